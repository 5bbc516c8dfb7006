package io.fleetconf.agent;

import io.fleetconf.core.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's metrics as a node_exporter textfile ({@code metrics_file}; docs/agent.md, "Metrics"):
 * rewritten whole after every pass, by a rename, so that node_exporter never reads half a file.
 * Written by hand rather than with the Prometheus client: a dozen lines of its text format are
 * all the agent needs, and the agent keeps its footprint small.
 */
final class MetricsFile {
  private static final System.Logger LOG = System.getLogger(MetricsFile.class.getName());

  private final Path file;
  private final Clock clock;
  private final AtomicLong passes = new AtomicLong();
  private final Map<String, AtomicLong> actionsRun = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> actionFailures = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> healthFailures = new ConcurrentHashMap<>();

  MetricsFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  void actionRun(String action, boolean failed) {
    actionsRun.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
    if (failed) {
      actionFailures.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
    }
  }

  void healthCheckFailed(String action) {
    healthFailures.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
  }

  /** One output's state after a pass: its status and the revision its file on disk was rendered at (0: unknown). */
  record OutputState(String namespace, Report.Status status, long running) {}

  /** Rewrites the file after a pass at {@code revision}; a failure to write is logged, never fatal. */
  void passed(long revision, Map<String, OutputState> outputs) {
    StringBuilder out = new StringBuilder();
    gauge(out, "fleetconf_agent_last_pass_timestamp_seconds", "When the agent last applied config (Unix time).");
    out.append("fleetconf_agent_last_pass_timestamp_seconds ").append(clock.millis() / 1000.0).append('\n');
    counter(out, "fleetconf_agent_passes_total", "Passes since the agent started.");
    out.append("fleetconf_agent_passes_total ").append(passes.incrementAndGet()).append('\n');
    gauge(out, "fleetconf_agent_desired_revision", "The revision the agent last tried to apply.");
    out.append("fleetconf_agent_desired_revision ").append(revision).append('\n');
    gauge(out, "fleetconf_agent_output_status", "1 for each output's last status (applied, failed, rolled_back).");
    outputs.forEach((name, state) -> {
      for (Report.Status status : Report.Status.values()) {
        out.append("fleetconf_agent_output_status{output=\"").append(escape(name)).append("\",status=\"")
            .append(status.wire()).append("\"} ").append(state.status() == status ? 1 : 0).append('\n');
      }
    });
    gauge(out, "fleetconf_agent_running_revision", "Per namespace, the oldest revision its files were rendered at.");
    Map<String, Long> running = new TreeMap<>();
    outputs.values().forEach(state -> running.merge(state.namespace(), state.running(), Math::min));
    running.forEach((namespace, at) -> out.append("fleetconf_agent_running_revision{namespace=\"")
        .append(escape(namespace)).append("\"} ").append(at).append('\n'));
    perAction(out, "fleetconf_agent_actions_total", "Actions run (reloads, restarts, signals).", actionsRun);
    perAction(out, "fleetconf_agent_action_failures_total", "Actions that failed.", actionFailures);
    perAction(out, "fleetconf_agent_health_check_failures_total", "Health checks that failed after an action.",
        healthFailures);
    write(out.toString());
  }

  private static void perAction(StringBuilder out, String name, String help, Map<String, AtomicLong> counts) {
    counter(out, name, help);
    new TreeMap<>(counts).forEach((action, count) -> out.append(name).append("{action=\"").append(escape(action))
        .append("\"} ").append(count.get()).append('\n'));
  }

  private static void gauge(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
  }

  private static void counter(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
  }

  /** A label value as the text format wants it: backslash, double quote and newline escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private void write(String text) {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot write the metrics file " + file + ": " + e.getMessage());
    }
  }
}
