package io.fleetconf.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the reads benchmark runs.
 *
 * @param devices registered devices, read round-robin
 * @param seconds measured window per row
 * @param warmup unmeasured seconds before each row's window
 * @param concurrency readers in the load JVM
 * @param prime seconds of unmeasured raw-client load per format before the rows
 * @param formats the config formats read, {@code json} and {@code env}
 * @param clients the load JVM's clients, {@code jdk} and {@code raw}
 * @param report a Markdown file to append the results to
 */
record ReadsSettings(int devices, int seconds, int warmup, int concurrency, int prime, List<String> formats,
    List<String> clients, Optional<Path> report) {
  static final String USAGE = "usage: fleetconf-bench reads [--devices 1000] [--seconds 10] [--warmup-seconds 2]"
      + " [--concurrency 64] [--formats json,env] [--clients jdk,raw] [--prime-seconds 5] [--report <file.md>]";

  ReadsSettings {
    positive("--devices", devices);
    positive("--seconds", seconds);
    positive("--concurrency", concurrency);
    warmup = Math.max(0, warmup);
    prime = Math.max(0, prime);
    for (String format : formats) {
      if (!format.equals("json") && !format.equals("env")) {
        throw new IllegalArgumentException("--formats takes json and env, was '" + format + "'");
      }
    }
    for (String client : clients) {
      if (!client.equals("jdk") && !client.equals("raw")) {
        throw new IllegalArgumentException("--clients takes jdk and raw, was '" + client + "'");
      }
    }
  }

  /** {@code args} as {@code ./fleetconf-bench/run reads} takes them. */
  static ReadsSettings parse(String[] args) {
    Options options = Options.parse(args, "--devices", "--seconds", "--warmup-seconds", "--concurrency",
        "--prime-seconds", "--formats", "--clients", "--report");
    return new ReadsSettings(options.number("--devices", 1_000), options.number("--seconds", 10),
        options.number("--warmup-seconds", 2), options.number("--concurrency", 64),
        options.number("--prime-seconds", 5), options.words("--formats", List.of("json", "env")),
        options.words("--clients", List.of("jdk", "raw")), options.path("--report"));
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
  }
}
