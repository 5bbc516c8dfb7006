package io.fleetconf.bench;

import io.fleetconf.bench.etcd.EtcdBench;
import io.fleetconf.bench.etcd.EtcdReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./fleetconf-bench/run report}: every scenario, fleetconf's and etcd's, in one run on one
 * machine, and the generated part of {@code docs/performance.md} rewritten from the figures, with
 * a plot of fan-out latency against the number of devices. A scenario that fails is reported as
 * such; the others still run.
 */
final class ReportBench {
  /** The fleet size of the background-load scenario, if the run has it (else its largest size). */
  private static final int LOADED_DEVICES = 10_000;

  private ReportBench() {}

  static void main(String[] args) throws IOException {
    ReportSettings settings = Options.orExit("fleetconf-bench report", ReportSettings.USAGE,
        () -> ReportSettings.parse(args, Machine.openFilesLimit()));
    long started = System.nanoTime();
    Map<String, String> failures = new LinkedHashMap<>();
    String sizes = String.join(",", settings.sizes().stream().map(String::valueOf).toList());
    String rounds = Integer.toString(settings.rounds());
    String warmups = Integer.toString(settings.warmups());
    String seconds = Integer.toString(settings.seconds());
    String warmupSeconds = Integer.toString(Math.max(1, settings.seconds() / 4));

    List<Result> longPolls = step("fan-out, long-poll", failures, () -> fanOut(settings, "longpoll", "sqlite"));
    List<Result> streams = step("fan-out, SSE", failures, () -> fanOut(settings, "sse", "sqlite"));
    List<Result> onPostgres = step("fan-out, long-poll, PostgreSQL", failures,
        () -> fanOut(settings, "longpoll", "postgresql"));
    EtcdReport etcd = step("etcd", failures, () -> EtcdBench.measure(new String[] {"--sizes", sizes,
        "--rounds", rounds, "--warmups", warmups, "--writers", "1,16", "--readers", "64", "--seconds", seconds,
        "--warmup-seconds", warmupSeconds}));
    int loadedSize = settings.sizes().contains(LOADED_DEVICES) ? LOADED_DEVICES
        : settings.sizes().get(settings.sizes().size() - 1);
    LoadedBench.Loaded loaded = step("fan-out with background load", failures,
        () -> LoadedBench.measure(loadedSize, settings.rounds(), settings.warmups()));
    WritesBench.Writes writes = step("durable writes", failures, () -> WritesBench.measure(WritesSettings.parse(
        new String[] {"--store", "both", "--writers", "1,16", "--seconds", seconds, "--warmup-seconds", warmupSeconds,
            "--postgres-url", settings.postgresUrl()})));
    ReadsBench.Reads reads = step("reads", failures, () -> ReadsBench.measure(ReadsSettings.parse(new String[] {
        "--seconds", seconds, "--warmup-seconds", warmupSeconds, "--concurrency", "64", "--clients", "raw,jdk"})));
    AgentBench.AgentRun agent = step("agent", failures, () -> AgentBench.measure(agentLauncher(), settings.agentIdle()));

    PerformanceReport report = new PerformanceReport(settings, Machine.describe(), Optional.ofNullable(longPolls),
        Optional.ofNullable(streams), Optional.ofNullable(onPostgres), Optional.ofNullable(etcd), Optional.ofNullable(writes),
        Optional.ofNullable(reads), Optional.ofNullable(agent), Optional.ofNullable(loaded), failures,
        Duration.ofNanos(System.nanoTime() - started));
    FanOutPlot.write(settings.plot(), report.fanOutSeries());
    String generated = report.markdown(settings.out().toAbsolutePath().getParent().relativize(
        settings.plot().toAbsolutePath()).toString());
    PerformanceReport.replaceGenerated(settings.out(), generated);
    System.out.print(generated);
    System.err.println("fleetconf-bench report: wrote " + settings.out() + " and " + settings.plot());
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static List<Result> fanOut(ReportSettings settings, String transport, String store) {
    BenchSettings fan = BenchSettings.parse(new String[] {"--rounds", Integer.toString(settings.rounds()),
        "--warmups", Integer.toString(settings.warmups()), "--transport", transport, "--store", store,
        "--postgres-url", settings.postgresUrl()});
    List<Result> results = new ArrayList<>();
    for (int size : settings.sizes()) {
      results.add(Scenario.run(size, fan));
    }
    return results;
  }

  /** The lean agent's launcher, which runs fleetconf-agent.jar; the run script builds the jar next to this bench. */
  private static Path agentLauncher() {
    Path jar = ReportSettings.root().resolve("fleetconf-agent/target/fleetconf-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new BenchException("no " + jar.toAbsolutePath() + "; build it with mvn -pl fleetconf-agent -am package");
    }
    return ReportSettings.root().resolve("fleetconf-agent/src/dist/bin/fleetconf-agent");
  }

  /** Runs one scenario; a failure is written down, and the report goes on without it. */
  private static <T> T step(String name, Map<String, String> failures, Callable<T> scenario) {
    System.err.println("fleetconf-bench report: " + name + "...");
    try {
      return scenario.call();
    } catch (Exception e) {
      failures.put(name, e.getClass().getSimpleName() + ": " + e.getMessage());
      System.err.println("fleetconf-bench report: " + name + " failed: " + e);
      return null;
    }
  }
}
