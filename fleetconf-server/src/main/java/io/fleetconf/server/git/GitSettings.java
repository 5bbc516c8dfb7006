package io.fleetconf.server.git;

import io.fleetconf.git.GitCredentials;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.RepositoryLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The repositories a server follows, how often it fetches them, per source the files that hold
 * its credentials and its webhook secret, and the layout of each.
 *
 * @param sources the sources, each with a name of its own
 * @param poll the time between two fetches of every source
 * @param access per source name, how it fetches and checks webhooks; a source without is fetched
 *     with what JGit finds by itself and has no webhook
 * @param formats the layout of a source by its name; a source not in it is in fleetconf's layout
 */
public record GitSettings(List<GitSource> sources, Duration poll, Map<String, Access> access,
    Map<String, RepositoryLayout> formats) {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);
  public static final GitSettings NONE = new GitSettings(List.of(), DEFAULT_POLL);

  /** A source's credentials, and the file holding the secret its webhooks are signed with. */
  public record Access(GitCredentials credentials, Optional<Path> webhookSecret) {
    public static final Access NONE = new Access(GitCredentials.NONE, Optional.empty());
  }

  /** Sources all in fleetconf's layout, fetched with what JGit finds by itself. */
  public GitSettings(List<GitSource> sources, Duration poll) {
    this(sources, poll, Map.of(), Map.of());
  }

  /** Sources all in fleetconf's layout. */
  public GitSettings(List<GitSource> sources, Duration poll, Map<String, Access> access) {
    this(sources, poll, access, Map.of());
  }

  public GitSettings {
    sources = List.copyOf(sources);
    access = Map.copyOf(access);
    formats = Map.copyOf(formats);
    if (poll.compareTo(Duration.ofMillis(50)) < 0) {
      throw new IllegalArgumentException("the git poll interval must be at least 50ms, was " + poll);
    }
    Set<String> names = new HashSet<>();
    for (GitSource source : sources) {
      if (!names.add(source.name())) {
        throw new IllegalArgumentException("two git sources are named '" + source.name() + "'");
      }
    }
    for (String name : access.keySet()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("credentials or a webhook secret are given for git source '" + name
            + "', which no --git-source names");
      }
    }
    for (String name : formats.keySet()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("a git format is given for '" + name + "', which is not a git source");
      }
    }
  }

  /** How {@code source} fetches and checks its webhooks. */
  public Access access(GitSource source) {
    return access.getOrDefault(source.name(), Access.NONE);
  }

  /** The layout {@code source} is read in. */
  public RepositoryLayout formatOf(GitSource source) {
    return formats.getOrDefault(source.name(), RepositoryLayout.FLEETCONF);
  }
}
