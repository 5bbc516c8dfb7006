package io.fleetconf.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.api.AgentReport;
import io.fleetconf.client.Config;
import io.fleetconf.client.Source;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Revision;
import io.fleetconf.git.GitCredentials;
import io.fleetconf.git.GitFetchException;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.Mirror;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The device's config resolved by the agent itself from a Git repository, with no server: the
 * branch is fetched every poll interval into a clone under the state directory, and the device's
 * effective config is read from the tip with the same layout and merge the server uses
 * ({@link io.fleetconf.git.DesiredState#effective}). A commit that cannot be read is skipped (the
 * last good config stays, as on the server); an unreachable remote leaves the last fetched tip in
 * use. The revision is the tip's commit count. Reports are appended to a local JSON-lines file.
 */
final class RepositoryFeed implements Feed {
  private static final System.Logger LOG = System.getLogger(RepositoryFeed.class.getName());
  private final AgentConfig settings;
  private final GitSource source;
  private final Mirror mirror;
  private final Path reportFile;
  private volatile Config current;
  /** The last commit read, good or refused. */
  private volatile Optional<String> tip = Optional.empty();
  /** The commit the config in use comes from. */
  private volatile Optional<String> using = Optional.empty();
  private volatile Optional<String> lastProblem = Optional.empty();
  private volatile boolean closed;
  private Thread poller;

  RepositoryFeed(AgentConfig settings) {
    this.settings = settings;
    this.source = settings.gitSource();
    GitFollowing git = settings.git().orElseThrow();
    GitCredentials credentials = git.credentialsFile().<GitCredentials>map(GitCredentials.Password::new)
        .orElse(GitCredentials.NONE);
    try {
      credentials.check("agent"); // a missing or unreadable file fails the start, naming it
    } catch (InvalidInputException e) {
      throw new AgentException("agent config: git.credentials_file: " + e.getMessage());
    }
    this.mirror = Mirror.open(settings.stateDir().resolve("git"), source, credentials,
        io.fleetconf.git.RepositoryLayout.named(git.format().orElse("fleetconf")));
    this.reportFile = settings.reportFile();
    this.current = ClientPlumbing.get().config(JsonNodeFactory.instance.objectNode(), Revision.ZERO, Source.DEFAULTS);
    LOG.log(System.Logger.Level.INFO, "fleetconf-agent: following git " + source + " every "
        + git.pollTime().toMillis() + "ms, device " + settings.deviceId());
    refresh();
  }

  @Override
  public Config config() {
    return current;
  }

  @Override
  public void onChange(Runnable wake) {
    Duration poll = settings.git().orElseThrow().pollTime();
    poller = Thread.ofVirtual().name("fleetconf-agent-git").start(() -> {
      while (!closed) {
        try {
          Thread.sleep(poll);
        } catch (InterruptedException e) {
          return;
        }
        if (refresh()) {
          wake.run();
        }
      }
    });
  }

  /** Fetches and reads the tip; true when the device's config is now another commit's. */
  private synchronized boolean refresh() {
    Optional<String> fetched;
    try {
      fetched = Optional.of(mirror.fetch());
    } catch (GitFetchException e) {
      problem(e.getMessage() + "; keeping " + tip.map(t -> "commit " + t).orElse("no config yet"));
      fetched = tip.isPresent() ? Optional.empty() : mirror.lastFetched(); // at start: the last clone, offline
    }
    if (fetched.isEmpty() || fetched.equals(tip)) {
      return false;
    }
    String commit = fetched.get();
    tip = fetched; // a refused commit is not read again at every poll; the next commit is
    try {
      ObjectNode tree = mirror.read(commit).effective(DeviceId.of(settings.deviceId())).tree();
      current = ClientPlumbing.get().config(tree, Revision.of(mirror.depth(commit)), Source.REPOSITORY);
      using = fetched;
      lastProblem = Optional.empty();
      LOG.log(System.Logger.Level.INFO, "fleetconf-agent: using commit " + commit + " of git source " + source.name()
          + " (revision " + current.revision() + ")");
      return true;
    } catch (InvalidInputException e) { // a LayoutException names the file and line
      problem("commit " + commit + " refused: " + e.getMessage() + "; keeping the last good config");
      return false;
    }
  }

  /** Logs a problem once, not at every poll while it lasts. */
  private void problem(String message) {
    if (!lastProblem.equals(Optional.of(message))) {
      lastProblem = Optional.of(message);
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: " + message);
    }
  }

  /** One JSON line per report: the server's report fields, with the time, device and commit. */
  @Override
  public boolean report(String namespace, Reporter.Revisions revisions, String hash, String status,
      Optional<String> error) {
    ObjectNode line = new AgentReport(namespace, revisions.tried(), revisions.running(), hash, status, error,
        Optional.of(Reporter.VERSION)).toJson();
    line.put("time", Instant.now().toString()).put("device", settings.deviceId());
    using.ifPresent(commit -> line.put("commit", commit));
    try {
      Files.createDirectories(reportFile.toAbsolutePath().getParent());
      Files.writeString(reportFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return true;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot write report file " + reportFile + ": "
          + e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    if (poller != null) {
      poller.interrupt();
    }
    mirror.close();
  }
}
