package io.fleetconf.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the fan-out benchmark runs, validated at construction.
 *
 * @param sizes fleet sizes, one scenario each, in order
 * @param rounds measured rounds per scenario
 * @param warmups rounds run first and not counted
 * @param settle pause once every watch is held again, before the next write
 * @param report a Markdown file to append the results to
 * @param transport how each device watches its config: a long-poll at a time, or one event stream
 */
record BenchSettings(List<Integer> sizes, int rounds, int warmups, Duration settle, Optional<Path> report,
    Transport transport, Optional<String> postgresUrl) {
  static final String USAGE = "usage: fleetconf-bench [--sizes 1000,10000] [--rounds 20] [--warmups 3]"
      + " [--settle-ms 200] [--report <file.md>] [--transport longpoll|sse] [--store sqlite|postgresql]"
      + " [--postgres-url postgresql://postgres@127.0.0.1:5432/test]";

  /** The store the server runs on, as the report names it. */
  String store() {
    return postgresUrl.isPresent() ? "postgresql" : "sqlite";
  }

  BenchSettings {
    sizes = List.copyOf(sizes);
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("--sizes must name at least one fleet size");
    }
    for (int size : sizes) {
      if (size < 1 || size > 25_000) {
        throw new IllegalArgumentException("--sizes must be 1..25000 devices each, was " + size);
      }
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
    }
    if (warmups < 0) {
      throw new IllegalArgumentException("--warmups must not be negative, was " + warmups);
    }
    if (settle.isNegative()) {
      throw new IllegalArgumentException("--settle-ms must not be negative, was " + settle.toMillis());
    }
  }

  static BenchSettings parse(String[] args) {
    Options options = Options.parse(args, "--sizes", "--rounds", "--warmups", "--settle-ms", "--report", "--transport",
        "--store", "--postgres-url");
    String store = options.text("--store", "sqlite");
    Optional<String> postgres = switch (store) {
      case "sqlite" -> Optional.empty();
      case "postgresql" -> Optional.of(options.text("--postgres-url", WritesSettings.DEFAULT_POSTGRES));
      default -> throw new IllegalArgumentException("--store takes sqlite or postgresql, was '" + store + "'");
    };
    return new BenchSettings(options.numbers("--sizes", List.of(1_000, 10_000)), options.number("--rounds", 20),
        options.number("--warmups", 3), Duration.ofMillis(options.number("--settle-ms", 200)), options.path("--report"),
        options.text("--transport").map(Transport::named).orElse(Transport.LONGPOLL), postgres);
  }
}
