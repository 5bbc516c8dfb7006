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

/**
 * The {@link Store} over JDBC: SQLite (one connection under a lock: commits serialise anyway, and
 * the server answers reads from memory) or PostgreSQL (a pool; commits serialise on an advisory
 * lock, so that several servers can share one database, and announce themselves with NOTIFY).
 */
public final class JdbcStore implements Store {
  static final String ENTRY_COLUMNS = "key, value, create_revision, mod_revision, version, secret, flags";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final Connections connections;
  private final Dialect dialect;
  private final Clock clock;
  private volatile Codec codec = new Codec(Sealer.NONE);

  JdbcStore(Connections connections, Dialect dialect, Clock clock) {
    this.connections = connections;
    this.dialect = dialect;
    this.clock = clock;
    try {
      connections.with(connection -> {
        Migrations.apply(connection, dialect);
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      connections.close();
      throw e instanceof StoreException store ? store
          : new StoreException("cannot prepare the store's schema: " + e.getMessage(), e);
    }
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
      Dialect.SQLITE.configure(connection);
      return new JdbcStore(new Connections.Single(connection), Dialect.SQLITE, clock);
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens a PostgreSQL store (see {@link StoreUrl}); the schema is made or migrated as needed. */
  public static JdbcStore openPostgres(StoreUrl.Postgres url, Clock clock) {
    return new JdbcStore(Connections.Pool.of(url), Dialect.POSTGRESQL, clock);
  }

  /** Which database this store runs on, e.g. {@code sqlite} or {@code postgresql}. */
  public String kind() {
    return dialect.folder();
  }

  @Override
  public Revision revision() {
    return read(JdbcStore::queryRevision);
  }

  @Override
  public ChangeSet commit(Proposal proposal) {
    ChangeSet done = transaction(connection -> {
      dialect.lockCommits(connection);
      return write(connection, proposal, queryRevision(connection));
    });
    forgetPlaintext(List.of(done));
    return done;
  }

  @Override
  public List<Outcome> commitAll(List<Proposal> proposals) {
    List<Outcome> done = transaction(connection -> {
      dialect.lockCommits(connection);
      Revision last = queryRevision(connection);
      List<Outcome> outcomes = new java.util.ArrayList<>();
      for (Proposal proposal : proposals) {
        // Each proposal behind a savepoint: a refused one is undone alone, the batch goes on.
        java.sql.Savepoint before = connection.setSavepoint();
        try {
          ChangeSet changeSet = write(connection, proposal, last);
          connection.releaseSavepoint(before);
          last = changeSet.revision();
          outcomes.add(new Outcome.Committed(changeSet));
        } catch (ConflictException | NotFoundException | io.fleetconf.core.InvalidInputException refused) {
          connection.rollback(before);
          outcomes.add(new Outcome.Refused(refused));
        }
      }
      return outcomes;
    });
    forgetPlaintext(done.stream().flatMap(outcome -> outcome instanceof Outcome.Committed committed
        ? java.util.stream.Stream.of(committed.changeSet()) : java.util.stream.Stream.empty()).toList());
    return done;
  }

  /**
   * After a commit that first marked an entry secret, has the database drop the page images that
   * still hold its plaintext (SQLite's WAL keeps them until a checkpoint), before the caller hears
   * of the commit.
   */
  private void forgetPlaintext(List<ChangeSet> committed) {
    boolean sealed = committed.stream().flatMap(changeSet -> changeSet.changes().stream())
        .anyMatch(change -> change instanceof Change.EntryChange entry && entry.before().isPresent()
            && !entry.before().get().secret() && entry.after().map(Entry::secret).orElse(false));
    if (sealed) {
      read(connection -> {
        dialect.dropOldPageImages(connection);
        return null;
      });
    }
  }

  /**
   * Writes {@code proposal} as the change set after {@code current}, inside the caller's transaction,
   * which holds the commit lock: one commit at a time across every server on the database, and the
   * revision read under it, so a rolled-back transaction never burns one and two servers never take
   * the same. A proposal that changes nothing writes nothing and answers {@code current}.
   */
  private ChangeSet write(Connection connection, Proposal proposal, Revision current) throws SQLException {
    Revision next = current.next();
    // Millisecond precision is what the store keeps; the answer must equal what a reader loads later.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Transaction transaction = new Transaction(connection, codec, next);
    for (Mutation mutation : proposal.mutations()) {
      transaction.apply(mutation);
    }
    List<Change> changes = transaction.changes();
    if (changes.isEmpty()) {
      return new ChangeSet(current, proposal.author(), now, proposal.message(), proposal.source(), changes);
    }
    ChangeSet changeSet = new ChangeSet(next, proposal.author(), now, proposal.message(), proposal.source(), changes);
    ChangeSetWriter.write(connection, codec, changeSet);
    dialect.announce(connection, Long.toString(next.value()));
    return changeSet;
  }

  @Override
  public Image image() {
    return transaction(connection -> {
      dialect.snapshotReads(connection);
      return new Image(queryRevision(connection),
          query(connection, "SELECT " + ENTRY_COLUMNS + " FROM entries ORDER BY key", List.of(), rows -> entry(rows, codec)),
          query(connection, "SELECT id, doc FROM devices ORDER BY id", List.of(),
              rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
    });
  }

  @Override
  public boolean shared() {
    return dialect == Dialect.POSTGRESQL;
  }

  @Override
  public CommitSignal commitSignal() {
    return connections.commitSignal(dialect);
  }

  @Override
  public List<Entry> entries() {
    return read(connection -> query(connection, "SELECT " + ENTRY_COLUMNS + " FROM entries ORDER BY key", List.of(), rows -> entry(rows, codec)));
  }

  @Override
  public List<Device> devices() {
    return read(connection -> query(connection, "SELECT id, doc FROM devices ORDER BY id", List.of(),
        rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public List<ChangeSet> changesSince(Revision after, int limit) {
    return read(connection -> ChangeSetReader.read(connection, codec,
        "SELECT revision FROM change_sets WHERE revision > ? ORDER BY revision LIMIT ?",
        List.of(after.value(), limit), Optional.empty()));
  }

  @Override
  public Optional<ChangeSet> changeSet(Revision at) {
    return read(connection -> ChangeSetReader.read(connection, codec,
        "SELECT revision FROM change_sets WHERE revision = ?", List.of(at.value()), Optional.empty()))
        .stream().findFirst();
  }

  @Override
  public List<ChangeSet> history(Optional<Key> prefix, Revision before, int limit) {
    return read(connection -> {
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
    return read(connection -> query(connection, 
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'entry' AND revision <= ? " + filter + " GROUP BY name) last"
            + " ON c.kind = 'entry' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        args, rows -> codec.entryState(Key.parse(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public List<Device> devicesAt(Revision at) {
    return read(connection -> query(connection, 
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'device' AND revision <= ? GROUP BY name) last"
            + " ON c.kind = 'device' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        List.of(at.value()), rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2))));
  }

  @Override
  public void addReport(Report report) {
    transaction(connection -> {
      ReportTable.add(connection, report);
      return null;
    });
  }

  @Override
  public List<Report> latestReports() {
    return read(connection -> ReportTable.latest(connection));
  }

  @Override
  public List<Report> reports(DeviceId device, int limit) {
    return read(connection -> ReportTable.of(connection, device, limit));
  }

  @Override
  public void saveLastSeen(java.util.Map<DeviceId, java.time.Instant> seen) {
    transaction(connection -> {
      SeenTable.save(connection, seen);
      return null;
    });
  }

  @Override
  public java.util.Map<DeviceId, java.time.Instant> lastSeen() {
    return read(SeenTable::all);
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
    return read(connection -> query(connection, 
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
    return read(connection -> query(connection, 
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
    return read(connection -> query(connection, "SELECT value FROM settings WHERE name = ?", List.of(name), rows -> rows.getString(1)))
        .stream().findFirst();
  }

  @Override
  public void putSetting(String name, String value) {
    update("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        name, value);
  }

  /** The payload of the notification that tokens or certificates changed (not a revision). */
  public static final String SECURITY_CHANGED = "security";

  private static final com.fasterxml.jackson.core.type.TypeReference<List<String>> STRINGS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** One statement in its own transaction; tokens and certificates also tell the other servers. */
  private int update(String sql, Object... args) {
    return transaction(connection -> {
      int changed;
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          statement.setObject(i + 1, args[i]);
        }
        changed = statement.executeUpdate();
      }
      if (changed > 0 && (sql.contains(" tokens ") || sql.contains(" certificates "))) {
        dialect.announce(connection, SECURITY_CHANGED);
      }
      return changed;
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
    connections.close();
  }

  static Entry entry(ResultSet rows, Codec codec) throws SQLException {
    Key key = Key.parse(rows.getString(1));
    boolean secret = rows.getInt(6) != 0;
    return new Entry(key, codec.value(key, rows.getString(2), secret), Revision.of(rows.getLong(3)),
        Revision.of(rows.getLong(4)), rows.getLong(5), secret, rows.getLong(7));
  }

  private static Revision queryRevision(Connection connection) throws SQLException {
    return query(connection, "SELECT COALESCE(MAX(revision), 0) FROM change_sets", List.of(),
        rows -> Revision.of(rows.getLong(1))).get(0);
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

  private <T> T read(Connections.Work<T> work) {
    try {
      return connections.with(work);
    } catch (SQLException e) {
      if (StoreUnavailableException.isUnavailable(e)) {
        throw new StoreUnavailableException("the database cannot be reached: " + e.getMessage(), e);
      }
      throw new StoreException("store failure: " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one database transaction: committed if it returns, rolled back if it throws. */
  private <T> T transaction(Connections.Work<T> work) {
    return read(connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }

  /**
   * Runs {@code work} in one transaction on this store's database, for {@link StoreCopy}, which
   * moves rows rather than records.
   */
  <T> T inTransaction(Connections.Work<T> work) {
    return transaction(work);
  }

  Dialect dialect() {
    return dialect;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }


  static String changeName(Change change) {
    return switch (change) {
      case EntryChange entry -> entry.key().toString();
      case DeviceChange device -> device.id().value();
    };
  }
}
