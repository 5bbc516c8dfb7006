package io.fleetconf.cli;

import io.fleetconf.server.ServerSettings;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a server's data lives, as {@code fleetconf server} and the offline verbs that open its store name it. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "URL", defaultValue = "${env:FLEETCONF_STORE}", description = {
      "Where the data lives (env FLEETCONF_STORE): sqlite:<file> (default: <data-dir>/fleetconf.db), or",
      "postgresql://[user[:password]@]host[:port]/database[?currentSchema=...] shared by several servers."})
  String store;

  @Option(names = "--store-password-file", paramLabel = "FILE",
      description = "File whose first line is the PostgreSQL password (instead of one in the URL).")
  Path storePasswordFile;

  /** The store given, if any; empty means the data directory's SQLite file. */
  Optional<StoreUrl> given() {
    if (store == null || store.isBlank()) {
      if (storePasswordFile != null) {
        throw new CliException("--store-password-file goes with a PostgreSQL --store");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(StoreUrl.parse(store, Optional.ofNullable(storePasswordFile)));
    } catch (IllegalArgumentException e) {
      throw new CliException("--store: " + e.getMessage());
    }
  }

  /** The store given, else the one a server with {@code dataDir} uses by default. */
  StoreUrl resolve(Path dataDir) {
    return given().orElseGet(() -> ServerSettings.of("127.0.0.1", ServerSettings.DEFAULT_PORT, dataDir).storeUrl());
  }
}
