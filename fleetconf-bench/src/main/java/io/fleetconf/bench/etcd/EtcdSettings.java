package io.fleetconf.bench.etcd;

import java.nio.file.Path;
import java.time.Duration;
import io.fleetconf.bench.Options;
import java.util.List;
import java.util.Optional;

/**
 * What the etcd scenarios run, validated at construction. The defaults are those of fleetconf's
 * fan-out ({@code BenchSettings}) and durable-writes ({@code WritesSettings}) benches, so that the
 * figures compare.
 *
 * @param sizes watcher counts for the fan-out, in order (the put's latency is also measured at 0)
 * @param rounds measured fan-out rounds per size
 * @param warmups fan-out rounds run first and not counted
 * @param settle pause before each fan-out round's put
 * @param watchersPerClient watchers sharing one etcd client (one gRPC connection)
 * @param writers concurrent writer counts for the durable writes, in order
 * @param readers concurrent readers for the reads
 * @param measure how long each writes or reads case is measured
 * @param warmup how long each writes or reads case runs first without counting
 * @param oneConnectionEach whether to run each size again with one client connection per watcher
 * @param report a Markdown file to append the results to
 */
record EtcdSettings(List<Integer> sizes, int rounds, int warmups, Duration settle, int watchersPerClient,
    List<Integer> writers, int readers, Duration measure, Duration warmup, boolean oneConnectionEach,
    Optional<Path> report) {
  static final String USAGE = "usage: fleetconf-bench etcd [--sizes 1000,10000] [--rounds 20] [--warmups 3]"
      + " [--settle-ms 200] [--watchers-per-client 500] [--one-connection-each true] [--writers 1,16] [--readers 64] [--seconds 20]"
      + " [--warmup-seconds 5] [--report <file.md>]";

  EtcdSettings {
    sizes = List.copyOf(sizes);
    writers = List.copyOf(writers);
    for (int size : sizes) {
      check(size >= 1 && size <= 100_000, "--sizes must be 1..100000 watchers each, was " + size);
    }
    for (int count : writers) {
      check(count >= 1 && count <= 1_000, "--writers must be 1..1000 each, was " + count);
    }
    check(rounds >= 1, "--rounds must be at least 1, was " + rounds);
    check(warmups >= 0, "--warmups must not be negative, was " + warmups);
    check(!settle.isNegative(), "--settle-ms must not be negative");
    check(watchersPerClient >= 1, "--watchers-per-client must be at least 1, was " + watchersPerClient);
    check(readers >= 0 && readers <= 1_000, "--readers must be 0..1000 (0: no reads), was " + readers);
    check(measure.toSeconds() >= 1, "--seconds must be at least 1, was " + measure.toSeconds());
    check(!warmup.isNegative(), "--warmup-seconds must not be negative");
  }

  static EtcdSettings parse(String[] args) {
    Options options = Options.parse(args, "--sizes", "--rounds", "--warmups", "--settle-ms", "--watchers-per-client",
        "--one-connection-each", "--writers", "--readers", "--seconds", "--warmup-seconds", "--report");
    return new EtcdSettings(options.numbers("--sizes", List.of(1_000, 10_000)), options.number("--rounds", 20),
        options.number("--warmups", 3), Duration.ofMillis(options.number("--settle-ms", 200)),
        options.number("--watchers-per-client", 500), options.numbers("--writers", List.of(1, 16)),
        options.number("--readers", 64), Duration.ofSeconds(options.number("--seconds", 20)),
        Duration.ofSeconds(options.number("--warmup-seconds", 5)), yesNo(options.text("--one-connection-each", "true")),
        options.path("--report"));
  }

  private static boolean yesNo(String text) {
    check(text.equals("true") || text.equals("false"), "--one-connection-each must be true or false, was " + text);
    return text.equals("true");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
