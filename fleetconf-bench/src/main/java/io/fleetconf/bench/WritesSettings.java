package io.fleetconf.bench;

import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the durable-writes benchmark runs, validated at construction.
 *
 * @param stores the stores to run, one fresh server each, in order
 * @param writers concurrent writer counts, one case each per store, in order
 * @param measure how long each case is measured
 * @param warmup how long each case writes first without counting
 * @param postgresUrl the PostgreSQL to use, without {@code currentSchema}: the bench makes a schema of its own
 * @param keysPerWriter 0: every change set writes a new key ({@code w<i>_<n>}); K: writer i cycles over
 *     its K keys {@code w<i>_<n mod K>}, so the tree stops growing
 * @param client the writers' HTTP client: {@link RawHttp} (default), or the JDK's, which costs
 *     more of the CPU the server shares with it
 * @param report a Markdown file to append the results to
 */
record WritesSettings(List<Store> stores, List<Integer> writers, Duration measure, Duration warmup,
    String postgresUrl, int keysPerWriter, Client client, Optional<Path> report) {
  static final String DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test";
  static final String USAGE = "usage: fleetconf-bench writes [--store sqlite|postgresql|both] [--writers 1,16]"
      + " [--seconds 20] [--warmup-seconds 5] [--postgres-url " + DEFAULT_POSTGRES + "] [--keys-per-writer 0]"
      + " [--client raw|jdk] [--report <file.md>]";

  /** The writers' HTTP client. */
  enum Client {
    RAW, JDK;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  enum Store {
    SQLITE("sqlite"), POSTGRESQL("postgresql");

    private final String label;

    Store(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  WritesSettings {
    stores = List.copyOf(stores);
    writers = List.copyOf(writers);
    if (writers.isEmpty()) {
      throw new IllegalArgumentException("--writers must name at least one writer count");
    }
    for (int count : writers) {
      if (count < 1 || count > 1_000) {
        throw new IllegalArgumentException("--writers must be 1..1000 each, was " + count);
      }
    }
    if (measure.toSeconds() < 1) {
      throw new IllegalArgumentException("--seconds must be at least 1, was " + measure.toSeconds());
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup-seconds must not be negative, was " + warmup.toSeconds());
    }
    if (keysPerWriter < 0) {
      throw new IllegalArgumentException("--keys-per-writer must not be negative (0: a new key per change set), was "
          + keysPerWriter);
    }
    StoreUrl parsed;
    try {
      parsed = StoreUrl.parse(postgresUrl, Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--postgres-url: " + e.getMessage());
    }
    if (!(parsed instanceof StoreUrl.Postgres postgres)) {
      throw new IllegalArgumentException("--postgres-url must be a postgresql:// URL");
    }
    if (postgres.parameters().keySet().stream().anyMatch(name -> name.equalsIgnoreCase("currentSchema"))) {
      throw new IllegalArgumentException("--postgres-url must not set currentSchema: the bench makes a fresh"
          + " schema and drops it at the end");
    }
  }

  static WritesSettings parse(String[] args) {
    Options options = Options.parse(args, "--store", "--writers", "--seconds", "--warmup-seconds", "--postgres-url",
        "--keys-per-writer", "--client", "--report");
    return new WritesSettings(options.text("--store").map(WritesSettings::stores).orElse(List.of(Store.SQLITE)),
        options.numbers("--writers", List.of(1, 16)), Duration.ofSeconds(options.number("--seconds", 20)),
        Duration.ofSeconds(options.number("--warmup-seconds", 5)), options.text("--postgres-url", DEFAULT_POSTGRES),
        options.number("--keys-per-writer", 0), options.text("--client").map(WritesSettings::client).orElse(Client.RAW),
        options.path("--report"));
  }

  /** The bench's own PostgreSQL URL for {@code schema}. */
  String postgresUrl(String schema) {
    return postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** The PostgreSQL URL as it may be shown: without a password. */
  String postgresDisplay() {
    return StoreUrl.parse(postgresUrl, Optional.empty()).display();
  }

  private static Client client(String text) {
    return switch (text) {
      case "raw" -> Client.RAW;
      case "jdk" -> Client.JDK;
      default -> throw new IllegalArgumentException("--client must be raw or jdk, was '" + text + "'");
    };
  }

  private static List<Store> stores(String text) {
    return switch (text) {
      case "sqlite" -> List.of(Store.SQLITE);
      case "postgresql", "postgres" -> List.of(Store.POSTGRESQL);
      case "both" -> List.of(Store.SQLITE, Store.POSTGRESQL);
      default -> throw new IllegalArgumentException("--store must be sqlite, postgresql or both, was '" + text + "'");
    };
  }
}
