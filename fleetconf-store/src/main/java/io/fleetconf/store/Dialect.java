package io.fleetconf.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What differs between the databases the JDBC store runs on; everything else is shared SQL. */
enum Dialect {
  POSTGRESQL("postgresql", List.of("V1__init.sql", "V2__reports.sql", "V3__security.sql", "V4__flags.sql",
      "V5__last_seen.sql", "V6__git_commit.sql", "V7__replaces.sql")) {
    @Override
    void configure(Connection connection) {}

    @Override
    void lockCommits(Connection connection) throws SQLException {
      execute(connection, "SELECT pg_advisory_xact_lock(" + COMMIT_LOCK + ")");
    }

    /** The lock and the read in one round trip: two statements of one query, run in order. */
    @Override
    long lockCommitsAndReadRevision(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + COMMIT_LOCK + "); " + LAST_REVISION);
        if (!statement.getMoreResults()) {
          throw new SQLException("no revision after the commit lock");
        }
        try (var rows = statement.getResultSet()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    }

    @Override
    void announce(Connection connection, String payload) throws SQLException {
      try (var statement = connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
        statement.setString(1, payload);
        statement.execute();
      }
    }

    /** One statement: one round trip however many change sets the group holds. */
    @Override
    void writeGroup(Connection connection, Codec codec, List<io.fleetconf.core.ChangeSet> changeSets,
        Map<io.fleetconf.core.Key, Optional<io.fleetconf.core.Entry>> entries,
        Map<io.fleetconf.core.DeviceId, Optional<io.fleetconf.core.Device>> devices, String announcement)
        throws SQLException {
      PostgresGroupWrite.write(connection, codec, changeSets, entries, devices, CHANNEL, announcement);
    }

    @Override
    void snapshotReads(Connection connection) throws SQLException {
      execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    }

    @Override
    void lockMigrations(Connection connection, boolean lock) throws SQLException {
      execute(connection, "SELECT " + (lock ? "pg_advisory_lock(" : "pg_advisory_unlock(") + MIGRATION_LOCK + ")");
    }
  },
  SQLITE("sqlite", List.of("V1__init.sql", "V2__reports.sql", "V3__security.sql", "V4__flags.sql",
      "V5__last_seen.sql", "V6__git_commit.sql", "V7__replaces.sql")) {
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

    /**
     * Copies the WAL into the database file (where secure_delete has zeroed what was replaced) and
     * truncates it to nothing. TRUNCATE waits, up to the busy timeout, for readers of older
     * snapshots; if one outlasts it, the WAL stays until the next checkpoint, and the log says so.
     */
    @Override
    void dropOldPageImages(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement();
          var result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        if (result.next() && result.getInt(1) != 0) {
          System.getLogger(Dialect.class.getName()).log(System.Logger.Level.WARNING, "a reader kept the WAL from"
              + " being truncated after an entry was marked secret; its old plaintext stays in the -wal file until"
              + " the next checkpoint");
        }
      }
    }
  };

  /** The NOTIFY channel on which commits and security changes are announced. */
  static final String CHANNEL = "fleetconf_commits";
  private static final long COMMIT_LOCK = 0x666c6565_74636f6eL; // "fleetcon"
  private static final long MIGRATION_LOCK = COMMIT_LOCK + 1;
  private final String folder;
  private final List<String> migrations;

  Dialect(String folder, List<String> migrations) {
    this.folder = folder;
    this.migrations = migrations;
  }

  /** Session settings applied to every new connection. */
  abstract void configure(Connection connection) throws SQLException;

  /** Serialises commits across every server on the database, until the transaction ends. */
  void lockCommits(Connection connection) throws SQLException {}

  /** The last revision committed (0 for none): read with the commit lock held, the next one's is one more. */
  private static final String LAST_REVISION = "SELECT COALESCE(MAX(revision), 0) FROM change_sets";

  static long lastRevision(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); var rows = statement.executeQuery(LAST_REVISION)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** {@link #lockCommits}, then the {@linkplain #lastRevision last revision} committed. */
  long lockCommitsAndReadRevision(Connection connection) throws SQLException {
    lockCommits(connection);
    return lastRevision(connection);
  }

  /** Tells the other servers on the database, when the transaction commits. */
  void announce(Connection connection, String payload) throws SQLException {}

  /**
   * Records a group's change sets (none of which newly marks an entry secret), brings the
   * current-state tables to {@code entries} and {@code devices} (empty: deleted), and announces
   * {@code announcement}: here, a few batched statements.
   */
  void writeGroup(Connection connection, Codec codec, List<io.fleetconf.core.ChangeSet> changeSets,
      Map<io.fleetconf.core.Key, Optional<io.fleetconf.core.Entry>> entries,
      Map<io.fleetconf.core.DeviceId, Optional<io.fleetconf.core.Device>> devices, String announcement)
      throws SQLException {
    ChangeSetWriter.writeHistory(connection, codec, changeSets);
    ChangeSetWriter.writeCurrent(connection, codec, entries, devices);
    announce(connection, announcement);
  }

  /** Makes the transaction's reads one consistent snapshot (its first statement; it lasts the transaction). */
  void snapshotReads(Connection connection) throws SQLException {}

  /**
   * Drops what the database keeps on disk of rows a committed transaction replaced, where it can:
   * SQLite's WAL. PostgreSQL keeps dead row versions until VACUUM and its own WAL as configured;
   * fleetconf does not reach those (see docs/security.md).
   */
  void dropOldPageImages(Connection connection) throws SQLException {}

  /** Keeps two servers from migrating the schema at once. */
  void lockMigrations(Connection connection, boolean lock) throws SQLException {}

  String folder() {
    return folder;
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Classpath resources of the schema migrations, in order; migration N is the N-th. */
  List<String> migrationResources() {
    return migrations.stream().map(name -> "/io/fleetconf/store/" + folder + "/" + name).toList();
  }
}
