package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.Change.DeviceChange;
import io.fleetconf.core.Change.EntryChange;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Store} over JDBC. One connection, used under a lock: commits serialise anyway, and the
 * server answers reads from memory, so the store only sees writes, history and start-up loads.
 */
public final class JdbcStore implements Store {
  private static final String ENTRY_COLUMNS = "key, value, create_revision, mod_revision, version";

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Clock clock;
  private volatile Revision revision;

  private JdbcStore(Connection connection, Dialect dialect, Clock clock) throws SQLException {
    this.connection = connection;
    this.clock = clock;
    dialect.configure(connection);
    Migrations.apply(connection, dialect);
    this.revision = queryRevision();
  }

  /** Opens (creating if needed) the embedded store in a SQLite file. */
  public static JdbcStore openSqlite(Path file) {
    return openSqlite(file, Clock.systemUTC());
  }

  public static JdbcStore openSqlite(Path file, Clock clock) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      return new JdbcStore(connection, Dialect.SQLITE, clock);
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Revision revision() {
    return revision;
  }

  @Override
  public ChangeSet commit(Proposal proposal) {
    return locked(() -> {
      Revision next = revision.next();
      // Millisecond precision is what the store keeps; the answer must equal what a reader loads later.
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      connection.setAutoCommit(false);
      try {
        Transaction transaction = new Transaction(connection, next);
        for (Mutation mutation : proposal.mutations()) {
          transaction.apply(mutation);
        }
        List<Change> changes = transaction.changes();
        if (changes.isEmpty()) {
          connection.rollback();
          return new ChangeSet(revision, proposal.author(), now, proposal.message(), proposal.source(), changes);
        }
        ChangeSet changeSet = new ChangeSet(
            next, proposal.author(), now, proposal.message(), proposal.source(), changes);
        ChangeSetWriter.write(connection, changeSet);
        connection.commit();
        revision = next;
        return changeSet;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }

  @Override
  public List<Entry> entries() {
    return locked(() -> query("SELECT " + ENTRY_COLUMNS + " FROM entries ORDER BY key", List.of(), JdbcStore::entry));
  }

  @Override
  public List<Device> devices() {
    return locked(() -> query("SELECT id, doc FROM devices ORDER BY id", List.of(),
        rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public List<ChangeSet> changesSince(Revision after, int limit) {
    return locked(() -> ChangeSetReader.read(connection,
        "SELECT revision FROM change_sets WHERE revision > ? ORDER BY revision LIMIT ?",
        List.of(after.value(), limit), Optional.empty()));
  }

  @Override
  public Optional<ChangeSet> changeSet(Revision at) {
    return locked(() -> ChangeSetReader.read(connection,
        "SELECT revision FROM change_sets WHERE revision = ?", List.of(at.value()), Optional.empty()))
        .stream().findFirst();
  }

  @Override
  public List<ChangeSet> history(Optional<Key> prefix, Revision before, int limit) {
    return locked(() -> {
      if (prefix.isEmpty()) {
        return ChangeSetReader.read(connection,
            "SELECT revision FROM change_sets WHERE revision < ? ORDER BY revision DESC LIMIT ?",
            List.of(before.value(), limit), Optional.empty());
      }
      String name = prefix.get().toString();
      return ChangeSetReader.read(connection,
          "SELECT DISTINCT revision FROM changes WHERE kind = 'entry' AND revision < ?"
              + " AND (name = ? OR (name >= ? AND name < ?)) ORDER BY revision DESC LIMIT ?",
          List.of(before.value(), name, name + "/", name + "0", limit), prefix);
    });
  }

  @Override
  public List<Entry> entriesAt(Revision at, Key prefix) {
    String name = prefix.toString();
    return entriesAt(at, "AND (name = ? OR (name >= ? AND name < ?))", List.of(name, name + "/", name + "0"));
  }

  @Override
  public List<Entry> entriesAt(Revision at) {
    return entriesAt(at, "", List.of());
  }

  private List<Entry> entriesAt(Revision at, String filter, List<Object> filterArgs) {
    List<Object> args = new java.util.ArrayList<>();
    args.add(at.value());
    args.addAll(filterArgs);
    return locked(() -> query(
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'entry' AND revision <= ? " + filter + " GROUP BY name) last"
            + " ON c.kind = 'entry' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        args, rows -> Codec.entryState(Key.parse(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public List<Device> devicesAt(Revision at) {
    return locked(() -> query(
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'device' AND revision <= ? GROUP BY name) last"
            + " ON c.kind = 'device' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        List.of(at.value()), rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public void addReport(Report report) {
    locked(() -> {
      connection.setAutoCommit(false);
      try {
        ReportTable.add(connection, report);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
      return null;
    });
  }

  @Override
  public List<Report> latestReports() {
    return locked(() -> ReportTable.latest(connection));
  }

  @Override
  public List<Report> reports(DeviceId device, int limit) {
    return locked(() -> ReportTable.of(connection, device, limit));
  }

  @Override
  public void addToken(TokenRecord token) {
    locked(() -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO tokens (id, sha256, identity, created_ms) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, token.id());
        insert.setBytes(2, token.sha256());
        insert.setString(3, token.identity());
        insert.setLong(4, token.created().toEpochMilli());
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<TokenRecord> tokens() {
    return locked(() -> query("SELECT id, sha256, identity, created_ms FROM tokens ORDER BY id", List.of(),
        rows -> new TokenRecord(rows.getString(1), rows.getBytes(2), rows.getString(3),
            Instant.ofEpochMilli(rows.getLong(4)))));
  }

  @Override
  public void close() {
    locked(() -> {
      connection.close();
      return null;
    });
  }

  static Entry entry(ResultSet rows) throws SQLException {
    return new Entry(
        Key.parse(rows.getString(1)),
        Codec.read(rows.getString(2)),
        Revision.of(rows.getLong(3)),
        Revision.of(rows.getLong(4)),
        rows.getLong(5));
  }

  private Revision queryRevision() throws SQLException {
    return query("SELECT COALESCE(MAX(revision), 0) FROM change_sets", List.of(), rows -> Revision.of(rows.getLong(1)))
        .get(0);
  }

  <T> List<T> query(String sql, List<Object> args, RowMapper<T> mapper) throws SQLException {
    return query(connection, sql, args, mapper);
  }

  static <T> List<T> query(Connection connection, String sql, List<Object> args, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        statement.setObject(i + 1, args.get(i));
      }
      try (ResultSet rows = statement.executeQuery()) {
        List<T> out = new java.util.ArrayList<>();
        while (rows.next()) {
          out.add(mapper.map(rows));
        }
        return out;
      }
    }
  }

  private <T> T locked(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException("store failure: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  static String changeName(Change change) {
    return switch (change) {
      case EntryChange entry -> entry.key().toString();
      case DeviceChange device -> device.id().value();
    };
  }
}
