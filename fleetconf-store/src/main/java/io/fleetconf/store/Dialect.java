package io.fleetconf.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** What differs between the databases the JDBC store runs on; everything else is shared SQL. */
enum Dialect {
  SQLITE("sqlite", List.of("V1__init.sql", "V2__reports.sql", "V3__security.sql")) {
    @Override
    void configure(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        // FULL syncs the WAL on every commit: acknowledged means on disk, even on power loss.
        statement.execute("PRAGMA synchronous=FULL");
        statement.execute("PRAGMA foreign_keys=ON");
        // Overwrite freed and rewritten cells with zeros: a value sealed after the fact (an entry
        // marked secret) leaves no plaintext behind in free pages.
        statement.execute("PRAGMA secure_delete=ON");
        statement.execute("PRAGMA busy_timeout=5000");
      }
    }
  };

  private final String folder;
  private final List<String> migrations;

  Dialect(String folder, List<String> migrations) {
    this.folder = folder;
    this.migrations = migrations;
  }

  /** Session settings applied to every new connection. */
  abstract void configure(Connection connection) throws SQLException;

  /** Classpath resources of the schema migrations, in order; migration N is the N-th. */
  List<String> migrationResources() {
    return migrations.stream().map(name -> "/io/fleetconf/store/" + folder + "/" + name).toList();
  }
}
