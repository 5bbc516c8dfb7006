package io.fleetconf.agent;

import io.fleetconf.client.Config;
import io.fleetconf.client.Source;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * The on-device agent: renders each output from the device's effective config, writes only files
 * whose bytes changed, runs each due action once, checks health, reverts what made a service
 * unhealthy, and reports per namespace. Bursts of changes are debounced into one pass.
 */
public final class Agent implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Agent.class.getName());

  /** How a pass ended, worst first; also the exit status of {@code --once}. */
  public enum Result {
    APPLIED(0), FAILED(1), ROLLED_BACK(2), NO_CONFIG(3);

    private final int exitCode;

    Result(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /**
   * How one pass went: its result, the revision it applied, and each output's outcome; what an
   * Ansible task needs to say changed or ok ({@code agent --once --json}).
   */
  public record Pass(Result result, long revision, List<OutputResult> outputs) {
    /** Whether the pass wrote a file (a revert counts: files and services were touched). */
    public boolean changed() {
      return outputs.stream().anyMatch(OutputResult::changed);
    }
  }

  /** One output after a pass: {@code status} as reports have it (applied, failed, rolled_back). */
  public record OutputResult(String name, Path destination, String status, boolean changed, Optional<String> error) {}

  /**
   * How one output went; {@code namespaceHash} identifies the namespace's values it was rendered
   * from; {@code changed}: its file was written (or put back).
   */
  private record Outcome(AgentConfig.Output output, String hash, String namespaceHash, Report.Status status,
      Optional<String> error, boolean changed) {
    Outcome with(Report.Status status, Optional<String> error) {
      return new Outcome(output, hash, namespaceHash, status, error, changed);
    }

    Outcome written() {
      return new Outcome(output, hash, namespaceHash, status, error, true);
    }
  }

  /** A report the server has not taken yet; {@code pass} orders reports, as a revision can go back after a revert. */
  private record Unsent(long pass, String namespace, Reporter.Revisions revisions, String hash, String status,
      Optional<String> error) {}

  private final AgentConfig config;
  private final Feed feed;
  private final Renderer renderer;
  private final SafeWriter writer;
  private final Journal journal;
  private final Failures failures;
  private final Map<String, String> logged = new java.util.HashMap<>();
  private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
  private final Actions actions = new Actions();
  private final Semaphore changed = new Semaphore(0);
  private final Optional<MetricsFile> metrics;
  private final Map<String, Unsent> unsent = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closed;
  private Thread worker;
  private Thread versions;

  private Agent(AgentConfig config) {
    this.config = config;
    this.renderer = new Renderer(config.deviceId(), config.ansibleSettings());
    this.writer = new SafeWriter(config.stateDir());
    this.journal = new Journal(config.stateDir());
    this.failures = new Failures(config.stateDir());
    this.metrics = config.metricsFile().map(file -> new MetricsFile(file, java.time.Clock.systemUTC()));
    this.feed = Feed.of(config);
  }

  /** Starts the agent: one pass now, then one after every (debounced) change, until closed. */
  public static Agent start(AgentConfig config) {
    Agent agent = new Agent(config);
    agent.feed.onChange(agent.changed::release);
    agent.worker = Thread.ofVirtual().name("fleetconf-agent").start(agent::loop);
    if (!config.versions().isEmpty()) {
      agent.versions = Thread.ofVirtual().name("fleetconf-agent-versions").start(agent::sendVersions);
    }
    agent.changed.release();
    return agent;
  }

  /** One pass, for cron or an Ansible run: render, act, report, and say how it went. */
  public static Result once(AgentConfig config) {
    return oncePass(config).result();
  }

  /** {@link #once}, with what each output did. */
  public static Pass oncePass(AgentConfig config) {
    try (Agent agent = new Agent(config)) {
      if (!config.versions().isEmpty()) {
        agent.feed.versions(new ServiceVersions(config.versions()).read()); // before the pass, for what it reads
      }
      return agent.pass();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException("interrupted while reading the services' versions");
    }
  }

  @Override
  public void close() {
    closed = true;
    if (worker != null) {
      worker.interrupt();
    }
    if (versions != null) {
      versions.interrupt();
    }
    feed.close();
  }

  private void loop() {
    Duration debounce = config.debounceTime();
    Duration retry = Duration.ofSeconds(2);
    while (!closed) {
      try {
        if (unsent.isEmpty()) {
          changed.acquire();
        } else if (!changed.tryAcquire(retry.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          unsent.values().forEach(this::send); // the server was away when these were due
          continue;
        }
        Thread.sleep(debounce);
        changed.drainPermits();
        pass();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fleetconf-agent: a pass failed", e);
      }
    }
  }

  /**
   * Reads the services' versions every {@code versions_interval} and sends them when they changed
   * (an upgrade releases the values that need it), again soon when the server could not take them.
   */
  private void sendVersions() {
    ServiceVersions reader = new ServiceVersions(config.versions());
    Map<String, String> sent = null;
    while (!closed) {
      try {
        Map<String, String> now = reader.read();
        if (!now.equals(sent) && feed.versions(now)) {
          sent = now;
        }
        Duration interval = config.versionsIntervalTime();
        Thread.sleep(now.equals(sent) ? interval : Duration.ofSeconds(Math.min(5, interval.toSeconds() + 1)));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Applies the current config once. */
  Pass pass() {
    Config current = feed.config();
    if (current.source() != Source.SERVER && current.source() != Source.CACHE && current.source() != Source.REPOSITORY) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: no config from the " + (config.git().isPresent()
          ? "repository" : "server and none cached") + "; files left as they are");
      return new Pass(Result.NO_CONFIG, 0, List.of());
    }
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (AgentConfig.Output output : config.outputs()) {
      Outcome outcome = write(output, current);
      outcomes.put(output.name(), outcome);
    }
    // due: made so by this pass's swaps, or left by an earlier pass (failed, or killed) until it succeeds
    for (String action : journal.pendingActions()) {
      act(action, outcomes);
    }
    outcomes.values().forEach(outcome -> log(outcome, current.revision().value()));
    report(current.revision().value(), outcomes.values());
    metrics.ifPresent(file -> file.passed(current.revision().value(), states(current.revision().value(), outcomes)));
    Result result = outcomes.values().stream().map(o -> switch (o.status()) {
      case APPLIED -> Result.APPLIED;
      case FAILED -> Result.FAILED;
      case ROLLED_BACK -> Result.ROLLED_BACK;
    }).max(Comparator.naturalOrder()).orElse(Result.APPLIED);
    return new Pass(result, current.revision().value(), outcomes.values().stream()
        .map(o -> new OutputResult(o.output().name(), o.output().destination(), o.status().wire(), o.changed(), o.error()))
        .toList());
  }

  /** Each output's status and the revision its file on disk was rendered at, for the metrics file. */
  private Map<String, MetricsFile.OutputState> states(long revision, Map<String, Outcome> outcomes) {
    Map<String, MetricsFile.OutputState> out = new TreeMap<>();
    outcomes.forEach((name, o) -> out.put(name, new MetricsFile.OutputState(o.output().namespace(), o.status(),
        o.status() == Report.Status.APPLIED ? revision : journal.running(name).orElse(0L))));
    return out;
  }

  /** Says on the device what failed and why, once per failure rather than at every pass. */
  private void log(Outcome outcome, long revision) {
    String name = outcome.output().name();
    if (outcome.status() == Report.Status.APPLIED) {
      logged.remove(name);
      return;
    }
    String error = outcome.error().orElse("");
    if (!error.equals(logged.put(name, error))) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: " + name + " "
          + (outcome.status() == Report.Status.FAILED ? "failed" : "rolled back") + " at revision " + revision + ": "
          + error);
    }
  }

  private Outcome write(AgentConfig.Output output, Config current) {
    String namespaceHash = sha256(current.get(output.namespace()).map(Object::toString).orElse("")
        .getBytes(StandardCharsets.UTF_8));
    Outcome outcome = new Outcome(output, "", namespaceHash, Report.Status.APPLIED, Optional.empty(), false);
    try {
      byte[] bytes = renderer.render(output, current);
      outcome = new Outcome(output, sha256(bytes), namespaceHash, Report.Status.APPLIED, Optional.empty(), false);
      Optional<Failures.Mark> failed = failures.mark(output.name());
      if (failed.isPresent() && failed.get().hash().equals(outcome.hash())
          && failed.get().namespaceHash().equals(namespaceHash)) {
        return outcome.with(Report.Status.ROLLED_BACK, Optional.of("not applied again: this content failed its"
            + " health check before (" + failed.get().reason() + "); `fleetconf agent retry` tries it again"));
      }
      if (failed.isPresent()) {
        failures.clear(output.name()); // the namespace changed since: a fresh try
      }
      if (SafeWriter.same(SafeWriter.current(output.destination()), bytes)) {
        journal.confirmed(output.name(), current.revision().value());
        if (SafeWriter.settle(output, OutputRendering.holdsSecrets(output, current))) {
          LOG.log(System.Logger.Level.INFO, "fleetconf-agent: set the mode and owner of " + output.destination()
              + " (its bytes were already right)");
          return outcome.written();
        }
        return outcome;
      }
      Path staged = writer.stage(output, bytes, OutputRendering.holdsSecrets(output, current));
      if (output.check().isPresent()) {
        Optional<String> checked = Actions.command(output.check().get().replace("{path}", staged.toString()),
            Duration.ofSeconds(30));
        if (checked.isPresent()) {
          Files.deleteIfExists(staged);
          return outcome.with(Report.Status.FAILED, Optional.of("check failed: " + checked.get()));
        }
      }
      // a file its service has not loaded yet is no revert target: keep the last one it loaded
      boolean loaded = !journal.awaitsAction(output.name());
      if (loaded) {
        writer.keepPrevious(output);
      }
      output.action().ifPresent(a -> journal.actionDue(a, output.name())); // before the swap: a crash between the two still runs it
      SafeWriter.swap(staged, output.destination());
      if (loaded) {
        journal.swapped(output.name(), current.revision().value());
      } else {
        journal.confirmed(output.name(), current.revision().value());
      }
      LOG.log(System.Logger.Level.INFO, "fleetconf-agent: wrote " + output.destination() + " (revision "
          + current.revision() + ")");
      return outcome.written();
    } catch (IOException | UncheckedIOException | AgentException | InvalidInputException e) {
      return outcome.with(Report.Status.FAILED, Optional.of(e.getMessage()));
    }
  }

  /**
   * Runs a due action and its health check. It stays due until both succeed: the outputs whose
   * files wait for it are reported failed meanwhile, and a failed health check puts them back.
   */
  private void act(String name, Map<String, Outcome> outcomes) {
    AgentConfig.Action action = config.actions().get(name);
    if (action == null) {
      journal.actionDone(name); // no longer configured: nothing to run
      return;
    }
    List<String> waiting = journal.awaiting(name);
    List<AgentConfig.Output> outputs = config.outputs().stream().filter(o -> waiting.contains(o.name())).toList();
    // due with no file waiting (its files were put back, or an older agent's journal): its files are concerned
    List<AgentConfig.Output> concerned = outputs.isEmpty()
        ? config.outputs().stream().filter(o -> o.action().equals(Optional.of(name))).toList() : outputs;
    Optional<String> failed = actions.run(name, action);
    metrics.ifPresent(file -> file.actionRun(name, failed.isPresent()));
    if (failed.isPresent()) {
      failed(concerned, outcomes, failed.get());
      return;
    }
    if (action.health().isPresent()) {
      try {
        Optional<String> unhealthy = actions.healthy(name, action.health().get());
        if (unhealthy.isPresent()) {
          metrics.ifPresent(file -> file.healthCheckFailed(name));
          if (outputs.isEmpty()) {
            failed(concerned, outcomes, unhealthy.get() + " (nothing to put back)");
          } else {
            revert(name, action, outputs, outcomes, unhealthy.get());
          }
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    journal.actionDone(name);
  }

  /** An action still due: its outputs say why, a failure over one they already report. */
  private static void failed(List<AgentConfig.Output> outputs, Map<String, Outcome> outcomes, String error) {
    outputs.forEach(o -> outcomes.computeIfPresent(o.name(), (n, outcome) -> outcome.status() == Report.Status.APPLIED
        ? outcome.with(Report.Status.FAILED, Optional.of(error))
        : outcome.with(outcome.status(), Optional.of(outcome.error().map(e -> e + "; and ").orElse("") + error))));
  }

  /** Puts back the files that made the service unhealthy and runs the action again; due until that run succeeds. */
  private void revert(String name, AgentConfig.Action action, List<AgentConfig.Output> outputs,
      Map<String, Outcome> outcomes, String reason) {
    StringBuilder why = new StringBuilder(reason);
    for (AgentConfig.Output output : outputs) {
      Outcome outcome = outcomes.get(output.name());
      try {
        writer.revert(output);
        journal.reverted(output.name());
        failures.mark(output.name(), new Failures.Mark(outcome.hash(), outcome.namespaceHash(), reason));
      } catch (IOException | UncheckedIOException e) {
        why.append("; and the revert of ").append(output.name()).append(" failed: ").append(e.getMessage());
      }
    }
    Optional<String> again = actions.run(name, action);
    metrics.ifPresent(file -> file.actionRun(name, again.isPresent()));
    again.ifPresent(failure -> why.append("; and the action failed again: ").append(failure));
    if (again.isEmpty()) {
      journal.actionDone(name);
    }
    outputs.forEach(o -> outcomes.computeIfPresent(o.name(),
        (n, outcome) -> outcome.with(Report.Status.ROLLED_BACK, Optional.of(why.toString()))));
  }

  /**
   * Reports each namespace at the revision it tried ({@code revision}) and the one its files on
   * disk were rendered at: {@code revision} when all applied, else the oldest file's (after a
   * revert, the one put back; unknown if the agent never wrote one), so that the fleet view shows
   * what the device runs.
   */
  private void report(long revision, java.util.Collection<Outcome> outcomes) {
    long pass = passes.incrementAndGet();
    Map<String, List<Outcome>> byNamespace = new TreeMap<>();
    outcomes.forEach(o -> byNamespace.computeIfAbsent(o.output().namespace(), n -> new ArrayList<>()).add(o));
    byNamespace.forEach((namespace, list) -> {
      Report.Status status = list.stream().map(Outcome::status).reduce(Report.Status.APPLIED, Report.Status::worse);
      long running = list.stream().mapToLong(o -> o.status() == Report.Status.APPLIED ? revision
          : journal.running(o.output().name()).orElse(0L)).min().orElse(revision);
      var revisions = new Reporter.Revisions(revision, running > 0 ? Optional.of(running) : Optional.empty());
      String hash = "sha256:" + sha256(list.stream().map(o -> o.output().name() + "=" + o.hash())
          .sorted().collect(Collectors.joining(",")).getBytes(StandardCharsets.UTF_8));
      // fleet status names the namespace; an output's name only says which of its files
      Optional<String> error = list.stream().flatMap(o -> o.error().map(e -> list.size() == 1 ? e
          : o.output().name() + ": " + e).stream()).reduce((a, b) -> a + "; " + b);
      send(new Unsent(pass, namespace, revisions, hash, status.wire(), error));
    });
  }

  /** Sends a report; one that fails waits for a retry, unless a newer one for its namespace waits already. */
  private void send(Unsent report) {
    boolean sent = feed.report(report.namespace(), report.revisions(), report.hash(), report.status(), report.error());
    unsent.compute(report.namespace(), (namespace, waiting) -> {
      boolean newest = waiting == null || report.pass() >= waiting.pass();
      if (sent) {
        return newest ? null : waiting;
      }
      return newest ? report : waiting;
    });
  }

  /**
   * Forgets that content failed its health check, for every output: the agent's next pass tries
   * it again. The outputs that had such a mark, in config order.
   */
  public static List<String> retry(AgentConfig config) {
    return retry(config, Optional.empty());
  }

  /** {@link #retry(AgentConfig)} for the outputs of {@code namespace} alone. */
  public static List<String> retry(AgentConfig config, String namespace) {
    return retry(config, Optional.of(namespace));
  }

  private static List<String> retry(AgentConfig config, Optional<String> namespace) {
    List<AgentConfig.Output> outputs = config.outputs().stream()
        .filter(o -> namespace.map(o.namespace()::equals).orElse(true)).toList();
    if (outputs.isEmpty()) {
      throw new AgentException("no output of this agent is in namespace '" + namespace.orElseThrow() + "' (its namespaces: "
          + config.outputs().stream().map(AgentConfig.Output::namespace).distinct().collect(Collectors.joining(", ")) + ")");
    }
    Failures failures = new Failures(config.stateDir());
    return outputs.stream().map(AgentConfig.Output::name).filter(failures::clear).toList();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
