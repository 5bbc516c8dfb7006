package io.fleetconf.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code ./fleetconf-bench/run report} runs: every scenario of fleetconf and of etcd, at the
 * fleet sizes given ({@code max}: as many devices as the open-files limit lets one server hold).
 *
 * @param sizes fleet sizes, ascending
 * @param rounds measured fan-out rounds per size
 * @param warmups fan-out rounds before them: 10 by default, since the server's JIT compiler still takes 20-50 %
 *     of a core through the first few seconds of global rounds (docs/performance.md, "Warm-up")
 * @param seconds measured window of the write and read scenarios
 * @param agentIdle how long the idle agent is watched
 * @param postgresUrl the PostgreSQL the durable-writes scenario uses (a fresh schema in it)
 * @param out the Markdown file whose generated part is replaced
 * @param plot the PNG of fan-out latency against the number of devices
 * @param arguments the command line, for the report to quote
 */
record ReportSettings(List<Integer> sizes, int rounds, int warmups, int seconds, Duration agentIdle,
    String postgresUrl, Path out, Path plot, List<String> arguments) {
  static final String USAGE = "usage: fleetconf-bench report [--quick] [--sizes 1000,10000,max] [--rounds 20]"
      + " [--warmups 10] [--seconds 20] [--agent-idle 10m] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]"
      + " [--out docs/performance.md] [--plot docs/performance-fanout.png]";
  /** Sockets the server process keeps for itself beyond one per device: store, logs, the bench's own clients. */
  private static final int RESERVED_FILES = 1_000;

  /**
   * Parses the command line; {@code --quick} is a smoke run (1,000 devices, 3 rounds, 3 s windows,
   * a 10 s idle agent) that checks the whole pipeline in a few minutes.
   */
  static ReportSettings parse(String[] args, long openFilesLimit) {
    Options options = Options.parse(args, Set.of("--quick"), "--sizes", "--rounds", "--warmups", "--seconds",
        "--agent-idle", "--postgres-url", "--out", "--plot");
    boolean quick = options.flag("--quick");
    int rounds = atLeast(1, "--rounds", options.number("--rounds", quick ? 3 : 20));
    int warmups = atLeast(0, "--warmups", options.number("--warmups", quick ? 1 : 10));
    int seconds = atLeast(1, "--seconds", options.number("--seconds", quick ? 3 : 20));
    Duration agentIdle = options.text("--agent-idle").map(ReportSettings::duration)
        .orElse(quick ? Duration.ofSeconds(10) : Duration.ofMinutes(10));
    Path out = options.path("--out").orElse(root().resolve("docs/performance.md"));
    if (!Files.isDirectory(out.toAbsolutePath().getParent())) {
      throw new IllegalArgumentException("--out: no directory " + out.toAbsolutePath().getParent());
    }
    return new ReportSettings(sizes(options.text("--sizes", quick ? "1000" : "1000,10000,max"), openFilesLimit),
        rounds, warmups, seconds, agentIdle, options.text("--postgres-url", WritesSettings.DEFAULT_POSTGRES),
        out, options.path("--plot").orElse(root().resolve("docs/performance-fanout.png")), List.of(args));
  }

  /** The repository, as the run script says; the working directory otherwise. */
  static Path root() {
    return Path.of(System.getenv().getOrDefault("FLEETCONF_ROOT", ".")).toAbsolutePath().normalize();
  }

  /** The largest fleet one server process can hold here: one socket per device, and some to spare. */
  static int maxDevices(long openFilesLimit) {
    return (int) Math.max(0, (openFilesLimit - RESERVED_FILES) / 500 * 500);
  }

  private static List<Integer> sizes(String text, long openFilesLimit) {
    List<Integer> sizes = new ArrayList<>();
    for (String part : text.split(",")) {
      int size = part.equals("max") ? maxDevices(openFilesLimit) : atLeast(1, "--sizes", Options.number("--sizes", part));
      if (size > maxDevices(openFilesLimit)) {
        throw new IllegalArgumentException("--sizes: " + size + " devices need more open files than the limit of "
            + openFilesLimit + " allows (at most " + maxDevices(openFilesLimit) + "); raise 'ulimit -n' or use max");
      }
      if (size > 0 && !sizes.contains(size)) {
        sizes.add(size);
      }
    }
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("--sizes must name at least one fleet size");
    }
    sizes.sort(Integer::compare);
    return List.copyOf(sizes);
  }

  private static int atLeast(int least, String name, int number) {
    if (number < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", was " + number);
    }
    return number;
  }

  private static Duration duration(String value) {
    return io.fleetconf.core.Durations.parse(value, java.time.temporal.ChronoUnit.SECONDS)
        .orElseThrow(() -> new IllegalArgumentException("--agent-idle must be a duration such as 10m or 30s, was '"
            + value + "'"));
  }
}
