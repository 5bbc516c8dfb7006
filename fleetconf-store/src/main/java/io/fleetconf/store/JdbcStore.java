package io.fleetconf.store;

import io.fleetconf.core.Change;
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
final class JdbcStore implements Store {

  /** Sets a setting, whether or not it was set. */
  static final String PUT_SETTING =
      "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
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
  static JdbcStore openSqlite(Path file) {
    return openSqlite(file, Clock.systemUTC());
  }

  static JdbcStore openSqlite(Path file, Clock clock) {
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

  /** Opens a PostgreSQL store on {@code pool}; the schema is made or migrated as needed. */
  static JdbcStore openPostgres(Connections.Pool pool, Clock clock) {
    return new JdbcStore(pool, Dialect.POSTGRESQL, clock);
  }

  @Override
  public Revision revision() {
    return read(JdbcStore::queryRevision);
  }

  @Override
  public ChangeSet commit(Proposal proposal) {
    return switch (commitAll(List.of(proposal), Screen.NONE).get(0)) {
      case CommitOutcome.Committed committed -> committed.changeSet();
      case CommitOutcome.Refused refused -> throw refused.reason();
    };
  }

  @Override
  public ChangeSet preview(Proposal proposal) {
    return read(connection -> {
      connection.setAutoCommit(false);
      try {
        Revision current = Revision.of(dialect.lockCommitsAndReadRevision(connection));
        return plan(new CommitGroup(connection, codec), proposal, current).changeSet();
      } finally {
        connection.rollback(); // nothing was written: this ends the transaction and lets go of the lock
        connection.setAutoCommit(true);
      }
    });
  }

  /**
   * Plans every proposal in turn against the rows as the group's earlier ones leave them, then
   * writes the accepted change sets together (see {@link CommitGroup}) and announces the last
   * revision once: a refused proposal wrote nothing, so it needs no savepoint.
   */
  @Override
  public List<CommitOutcome> commitAll(List<Proposal> proposals, Screen screen) {
    List<CommitOutcome> done = transaction(connection -> {
      Revision last = Revision.of(dialect.lockCommitsAndReadRevision(connection));
      CommitGroup group = new CommitGroup(connection, codec);
      group.preload(proposals);
      List<CommitOutcome> outcomes = new java.util.ArrayList<>();
      for (Proposal proposal : proposals) {
        try {
          Planned planned = plan(group, proposal, last);
          ChangeSet changeSet = planned.changeSet();
          if (!changeSet.changes().isEmpty()) {
            screen.check(proposal, changeSet);
          }
          group.accept(changeSet, planned.settings());
          last = changeSet.revision();
          outcomes.add(new CommitOutcome.Committed(changeSet));
        } catch (ConflictException | NotFoundException | io.fleetconf.core.InvalidInputException refused) {
          outcomes.add(new CommitOutcome.Refused(refused));
        }
      }
      group.write(dialect);
      return outcomes;
    });
    forgetPlaintext(done.stream().flatMap(outcome -> outcome instanceof CommitOutcome.Committed committed
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
            && ChangeSetWriter.firstMarksSecret(entry));
    if (sealed) {
      read(connection -> {
        dialect.dropOldPageImages(connection);
        return null;
      });
    }
  }

  /** A proposal's change set, not yet recorded, and the settings it swaps. */
  private record Planned(ChangeSet changeSet, java.util.Map<String, String> settings) {}

  /**
   * Plans {@code proposal} as the change set after {@code current} against {@code group}'s rows,
   * with the commit lock held (one commit at a time across every server on the database, and the
   * revision read under it, so a rolled-back transaction never burns one and two servers never take
   * the same): empty changes at the current revision when nothing changes.
   */
  private Planned plan(CommitGroup group, Proposal proposal, Revision current) throws SQLException {
    Revision next = current.next();
    // Millisecond precision is what the store keeps; the answer must equal what a reader loads later.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Transaction transaction = new Transaction(group, next);
    for (Mutation mutation : proposal.mutations()) {
      transaction.apply(mutation);
    }
    List<Change> changes = transaction.changes();
    Revision revision = changes.isEmpty() ? current : next;
    return new Planned(new ChangeSet(revision, proposal.author(), now, proposal.message(), proposal.source(),
        proposal.commit(), changes), transaction.settings());
  }

  @Override
  public Image image() {
    return transaction(connection -> {
      dialect.snapshotReads(connection);
      return new Image(queryRevision(connection), EntryTable.all(connection, codec), allDevices(connection));
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
  public Leadership leadership() {
    return connections.leadership();
  }

  @Override
  public List<Entry> entries() {
    return read(connection -> EntryTable.all(connection, codec));
  }

  @Override
  public List<Device> devices() {
    return read(JdbcStore::allDevices);
  }

  private static List<Device> allDevices(Connection connection) throws SQLException {
    return Statements.query(connection, "SELECT id, doc FROM devices ORDER BY id", List.of(),
        rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2)));
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
    return read(connection -> PastState.entries(connection, codec, at, prefix));
  }

  @Override
  public List<Entry> entriesAt(Revision at) {
    return read(connection -> PastState.entries(connection, codec, at));
  }

  @Override
  public List<Device> devicesAt(Revision at) {
    return read(connection -> PastState.devices(connection, at));
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
    writeCredentials(connection -> CredentialTables.addToken(connection, token));
  }

  @Override
  public List<TokenRecord> tokens() {
    return read(CredentialTables::tokens);
  }

  @Override
  public boolean revokeToken(String id, Instant at) {
    return writeCredentials(connection -> CredentialTables.revokeToken(connection, id, at)) == 1;
  }

  @Override
  public boolean useToken(String id, Instant at) {
    return writeCredentials(connection -> CredentialTables.useToken(connection, id, at)) == 1;
  }

  @Override
  public void addCertificate(CertificateRecord certificate) {
    writeCredentials(connection -> CredentialTables.addCertificate(connection, certificate));
  }

  @Override
  public List<CertificateRecord> certificates() {
    return read(CredentialTables::certificates);
  }

  @Override
  public boolean revokeCertificate(String serial, Instant at) {
    return writeCredentials(connection -> CredentialTables.revokeCertificate(connection, serial, at)) == 1;
  }

  @Override
  public Optional<String> setting(String name) {
    return read(connection -> Statements.query(connection, "SELECT value FROM settings WHERE name = ?", List.of(name), rows -> rows.getString(1)))
        .stream().findFirst();
  }

  @Override
  public void putSetting(String name, String value) {
    transaction(connection -> Statements.update(connection, PUT_SETTING, name, value));
  }

  /** One write to the credentials in its own transaction; a change is announced to the other servers. */
  private int writeCredentials(Connections.Work<Integer> write) {
    return transaction(connection -> {
      int changed = write.run(connection);
      if (changed > 0) {
        dialect.announce(connection, CommitSignal.SECURITY_CHANGED);
      }
      return changed;
    });
  }

  @Override
  public void close() {
    connections.close();
  }

  private static Revision queryRevision(Connection connection) throws SQLException {
    return Revision.of(Dialect.lastRevision(connection));
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

  /** Runs {@code work} in one transaction on this store's database, for callers that move rows rather than records. */
  <T> T inTransaction(Connections.Work<T> work) {
    return transaction(work);
  }

  Dialect dialect() {
    return dialect;
  }
}
