package io.fleetconf.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    List<Integer> sizes = List.of(1_000, 10_000);
    int rounds = 20;
    int warmups = 3;
    Duration settle = Duration.ofMillis(200);
    Optional<Path> report = Optional.empty();
    Transport transport = Transport.LONGPOLL;
    String store = "sqlite";
    String postgresUrl = WritesSettings.DEFAULT_POSTGRES;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--sizes" -> sizes = sizes(value);
        case "--rounds" -> rounds = number(name, value);
        case "--warmups" -> warmups = number(name, value);
        case "--settle-ms" -> settle = Duration.ofMillis(number(name, value));
        case "--report" -> report = Optional.of(Path.of(value));
        case "--transport" -> transport = Transport.named(value);
        case "--store" -> store = value;
        case "--postgres-url" -> postgresUrl = value;
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    Optional<String> postgres = switch (store) {
      case "sqlite" -> Optional.empty();
      case "postgresql" -> Optional.of(postgresUrl);
      default -> throw new IllegalArgumentException("--store takes sqlite or postgresql, was '" + store + "'");
    };
    return new BenchSettings(sizes, rounds, warmups, settle, report, transport, postgres);
  }

  private static List<Integer> sizes(String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      out.add(number("--sizes", part.strip().replace("_", "")));
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
}
