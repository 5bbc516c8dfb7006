package io.fleetconf.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./fleetconf-bench/run report} runs: every scenario of fleetconf and of etcd, at the
 * fleet sizes given ({@code max}: as many devices as the open-files limit lets one server hold).
 *
 * @param sizes fleet sizes, ascending
 * @param rounds measured fan-out rounds per size
 * @param warmups fan-out rounds before them
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
      + " [--warmups 3] [--seconds 20] [--agent-idle 10m] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]"
      + " [--out docs/performance.md] [--plot docs/performance-fanout.png]";
  /** Sockets the server process keeps for itself beyond one per device: store, logs, the bench's own clients. */
  private static final int RESERVED_FILES = 1_000;

  /**
   * Parses the command line; {@code --quick} is a smoke run (1,000 devices, 3 rounds, 3 s windows,
   * a 10 s idle agent) that checks the whole pipeline in a few minutes.
   */
  static ReportSettings parse(String[] args, long openFilesLimit) {
    boolean quick = List.of(args).contains("--quick");
    String sizes = quick ? "1000" : "1000,10000,max";
    int rounds = quick ? 3 : 20;
    int warmups = quick ? 1 : 3;
    int seconds = quick ? 3 : 20;
    Duration agentIdle = quick ? Duration.ofSeconds(10) : Duration.ofMinutes(10);
    String postgresUrl = "postgresql://postgres@127.0.0.1:5432/test";
    Path out = root().resolve("docs/performance.md");
    Path plot = root().resolve("docs/performance-fanout.png");
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--quick")) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--sizes" -> sizes = value;
        case "--rounds" -> rounds = positive(name, value);
        case "--warmups" -> warmups = number(name, value, 0);
        case "--seconds" -> seconds = positive(name, value);
        case "--agent-idle" -> agentIdle = duration(name, value);
        case "--postgres-url" -> postgresUrl = value;
        case "--out" -> out = Path.of(value);
        case "--plot" -> plot = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    if (!Files.isDirectory(out.toAbsolutePath().getParent())) {
      throw new IllegalArgumentException("--out: no directory " + out.toAbsolutePath().getParent());
    }
    return new ReportSettings(sizes(sizes, openFilesLimit), rounds, warmups, seconds, agentIdle, postgresUrl, out,
        plot, List.of(args));
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
      int size = part.equals("max") ? maxDevices(openFilesLimit) : positive("--sizes", part);
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

  private static int positive(String name, String value) {
    return number(name, value, 1);
  }

  private static int number(String name, String value, int least) {
    try {
      int number = Integer.parseInt(value);
      if (number < least) {
        throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
    }
  }

  private static Duration duration(String name, String value) {
    return io.fleetconf.core.Durations.parse(value, java.time.temporal.ChronoUnit.SECONDS)
        .orElseThrow(() -> new IllegalArgumentException(name + " must be a duration such as 10m or 30s, was '"
            + value + "'"));
  }
}
