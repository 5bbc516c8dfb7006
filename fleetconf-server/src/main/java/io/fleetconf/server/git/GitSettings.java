package io.fleetconf.server.git;

import io.fleetconf.git.GitSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The repositories a server follows, and how often it fetches them.
 *
 * @param sources the sources, each with a name of its own
 * @param poll the time between two fetches of every source
 */
public record GitSettings(List<GitSource> sources, Duration poll) {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);
  public static final GitSettings NONE = new GitSettings(List.of(), DEFAULT_POLL);

  public GitSettings {
    sources = List.copyOf(sources);
    if (poll.compareTo(Duration.ofMillis(50)) < 0) {
      throw new IllegalArgumentException("the git poll interval must be at least 50ms, was " + poll);
    }
    Set<String> names = new HashSet<>();
    for (GitSource source : sources) {
      if (!names.add(source.name())) {
        throw new IllegalArgumentException("two git sources are named '" + source.name() + "'");
      }
    }
  }
}
