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
  static final String ENTRY_COLUMNS = "key, value, create_revision, mod_revision, version, secret";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Clock clock;
  private volatile Revision revision;
  private volatile Codec codec = new Codec(Sealer.NONE);

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
        Transaction transaction = new Transaction(connection, codec, next);
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
        ChangeSetWriter.write(connection, codec, changeSet);
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
    return locked(() -> query("SELECT " + ENTRY_COLUMNS + " FROM entries ORDER BY key", List.of(), rows -> entry(rows, codec)));
  }

  @Override
  public List<Device> devices() {
    return locked(() -> query("SELECT id, doc FROM devices ORDER BY id", List.of(),
        rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public List<ChangeSet> changesSince(Revision after, int limit) {
    return locked(() -> ChangeSetReader.read(connection, codec,
        "SELECT revision FROM change_sets WHERE revision > ? ORDER BY revision LIMIT ?",
        List.of(after.value(), limit), Optional.empty()));
  }

  @Override
  public Optional<ChangeSet> changeSet(Revision at) {
    return locked(() -> ChangeSetReader.read(connection, codec,
        "SELECT revision FROM change_sets WHERE revision = ?", List.of(at.value()), Optional.empty()))
        .stream().findFirst();
  }

  @Override
  public List<ChangeSet> history(Optional<Key> prefix, Revision before, int limit) {
    return locked(() -> {
      if (prefix.isEmpty()) {
        return ChangeSetReader.read(connection, codec,
            "SELECT revision FROM change_sets WHERE revision < ? ORDER BY revision DESC LIMIT ?",
            List.of(before.value(), limit), Optional.empty());
      }
      String name = prefix.get().toString();
      return ChangeSetReader.read(connection, codec,
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
        args, rows -> codec.entryState(Key.parse(rows.getString(1)), rows.getString(2))));
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
  public void sealWith(Sealer sealer) {
    this.codec = new Codec(sealer);
  }

  @Override
  public void addToken(TokenRecord token) {
    update("INSERT INTO tokens (id, sha256, identity, created_ms, kind, rules, expires_ms, revoked_ms, used_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        token.id(), token.sha256(), token.identity(), token.created().toEpochMilli(), token.kind(),
        Codec.write(JSON.valueToTree(token.rules())), millis(token.expires()), millis(token.revoked()),
        millis(token.used()));
  }

  @Override
  public List<TokenRecord> tokens() {
    return locked(() -> query(
        "SELECT id, sha256, kind, identity, rules, created_ms, expires_ms, revoked_ms, used_ms FROM tokens ORDER BY id",
        List.of(), rows -> new TokenRecord(rows.getString(1), rows.getBytes(2), rows.getString(3), rows.getString(4),
            JSON.convertValue(Codec.read(rows.getString(5)), STRINGS), Instant.ofEpochMilli(rows.getLong(6)),
            instant(rows, 7), instant(rows, 8), instant(rows, 9))));
  }

  @Override
  public boolean revokeToken(String id, Instant at) {
    return update("UPDATE tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL", at.toEpochMilli(), id) == 1;
  }

  @Override
  public boolean useToken(String id, Instant at) {
    return update("UPDATE tokens SET used_ms = ? WHERE id = ? AND used_ms IS NULL", at.toEpochMilli(), id) == 1;
  }

  @Override
  public void addCertificate(CertificateRecord certificate) {
    update("INSERT INTO certificates (serial, device, issued_ms, not_after_ms, revoked_ms) VALUES (?, ?, ?, ?, ?)",
        certificate.serial(), certificate.device(), certificate.issued().toEpochMilli(),
        certificate.notAfter().toEpochMilli(), millis(certificate.revoked()));
  }

  @Override
  public List<CertificateRecord> certificates() {
    return locked(() -> query(
        "SELECT serial, device, issued_ms, not_after_ms, revoked_ms FROM certificates ORDER BY issued_ms, serial",
        List.of(), rows -> new CertificateRecord(rows.getString(1), rows.getString(2),
            Instant.ofEpochMilli(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4)), instant(rows, 5))));
  }

  @Override
  public boolean revokeCertificate(String serial, Instant at) {
    return update("UPDATE certificates SET revoked_ms = ? WHERE serial = ? AND revoked_ms IS NULL",
        at.toEpochMilli(), serial) == 1;
  }

  @Override
  public Optional<String> setting(String name) {
    return locked(() -> query("SELECT value FROM settings WHERE name = ?", List.of(name), rows -> rows.getString(1)))
        .stream().findFirst();
  }

  @Override
  public void putSetting(String name, String value) {
    update("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        name, value);
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<List<String>> STRINGS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private int update(String sql, Object... args) {
    return locked(() -> {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          statement.setObject(i + 1, args[i]);
        }
        return statement.executeUpdate();
      }
    });
  }

  private static Long millis(Optional<Instant> instant) {
    return instant.map(Instant::toEpochMilli).orElse(null);
  }

  private static Optional<Instant> instant(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
  }

  @Override
  public void close() {
    locked(() -> {
      connection.close();
      return null;
    });
  }

  static Entry entry(ResultSet rows, Codec codec) throws SQLException {
    Key key = Key.parse(rows.getString(1));
    boolean secret = rows.getInt(6) != 0;
    return new Entry(key, codec.value(key, rows.getString(2), secret), Revision.of(rows.getLong(3)),
        Revision.of(rows.getLong(4)), rows.getLong(5), secret);
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
