package io.fleetconf.bench.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * @param report a Markdown file to append the results to
 */
record EtcdSettings(List<Integer> sizes, int rounds, int warmups, Duration settle, int watchersPerClient,
    List<Integer> writers, int readers, Duration measure, Duration warmup, Optional<Path> report) {
  static final String USAGE = "usage: fleetconf-bench etcd [--sizes 1000,10000] [--rounds 20] [--warmups 3]"
      + " [--settle-ms 200] [--watchers-per-client 500] [--writers 1,16] [--readers 64] [--seconds 20]"
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
    List<Integer> sizes = List.of(1_000, 10_000);
    int rounds = 20;
    int warmups = 3;
    Duration settle = Duration.ofMillis(200);
    int perClient = 500;
    List<Integer> writers = List.of(1, 16);
    int readers = 64;
    Duration measure = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(5);
    Optional<Path> report = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      check(i + 1 < args.length, name + " needs a value");
      String value = args[++i];
      switch (name) {
        case "--sizes" -> sizes = numbers(name, value);
        case "--rounds" -> rounds = number(name, value);
        case "--warmups" -> warmups = number(name, value);
        case "--settle-ms" -> settle = Duration.ofMillis(number(name, value));
        case "--watchers-per-client" -> perClient = number(name, value);
        case "--writers" -> writers = numbers(name, value);
        case "--readers" -> readers = number(name, value);
        case "--seconds" -> measure = Duration.ofSeconds(number(name, value));
        case "--warmup-seconds" -> warmup = Duration.ofSeconds(number(name, value));
        case "--report" -> report = Optional.of(Path.of(value));
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    return new EtcdSettings(sizes, rounds, warmups, settle, perClient, writers, readers, measure, warmup, report);
  }

  private static List<Integer> numbers(String name, String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      out.add(number(name, part.strip().replace("_", "")));
    }
    return out;
  }

  private static int number(String name, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'");
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
