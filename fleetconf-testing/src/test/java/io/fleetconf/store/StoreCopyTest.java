package io.fleetconf.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import io.fleetconf.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** A store copied to another, of either kind, holds the same rows and tells the same history. */
class StoreCopyTest {
  private static final byte[] BLOB = {0, (byte) 0xFF, 0x1F, (byte) 0x8B, (byte) 0xC3, 0x28};
  private static final String DESCRIBED = "9 change sets (revisions 1..9), 13 changes, 6 entries, 1 device, 2 tokens,"
      + " 21 reports, 2 certificates, 1 setting, 1 last-seen time";

  @TempDir Path dir;
  private final MasterKey master = MasterKey.generate();

  @Test
  void sqliteToSqliteCopiesEveryRowAndTheHistory() {
    StoreUrl from = sqlite("from.db");
    StoreUrl to = sqlite("to.db");
    fill(from);
    StoreCopy.Contents copied = StoreCopy.copy(from, to);
    assertThat(copied.describe()).isEqualTo(DESCRIBED);
    assertThat(copied.masterKeyFingerprint()).contains(master.fingerprint());
    assertSameStore(from, to);
    assertStillWorks(to, 10);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  void sqliteToPostgresToSqliteKeepsEveryRowAndTheHistory() {
    StoreUrl from = sqlite("from.db");
    StoreUrl postgres = StoreUrl.parse(TestDatabases.freshSchema(), Optional.empty());
    StoreUrl back = sqlite("back.db");
    fill(from);
    assertThat(StoreCopy.copy(from, postgres).describe()).isEqualTo(DESCRIBED);
    assertSameStore(from, postgres);
    assertThat(StoreCopy.copy(postgres, back).describe()).isEqualTo(DESCRIBED);
    assertSameStore(from, back);
    // Reports were copied with their ids: PostgreSQL's sequence must have moved past them.
    assertStillWorks(postgres, 10);
    assertStillWorks(back, 10);
  }

  @Test
  void refusingANonEmptyTargetChangesNothing() {
    StoreUrl from = sqlite("from.db");
    StoreUrl to = sqlite("to.db");
    fill(from);
    try (Store target = to.open(Clock.systemUTC())) {
      target.commit(new Proposal("bob", "already here", "api", List.of(put("global/a/x", "1"))));
      target.addToken(token("tok_b", Optional.empty(), Optional.empty()));
    }
    Map<String, List<Map<String, Object>>> before = dump(to);

    assertThatThrownBy(() -> StoreCopy.copy(from, to)).isInstanceOf(StoreException.class)
        .hasMessage("the target store " + to.display() + " already holds data (1 change set (revision 1), 1 change,"
            + " 1 entry, 0 devices, 1 token, 0 reports, 0 certificates, 0 settings, 0 last-seen times); copy only into an empty store:"
            + " a new SQLite file or an empty PostgreSQL schema");
    assertThat(dump(to)).isEqualTo(before);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  void refusingANonEmptyPostgresTargetChangesNothing() {
    StoreUrl from = sqlite("from.db");
    StoreUrl to = StoreUrl.parse(TestDatabases.freshSchema(), Optional.empty());
    fill(from);
    try (Store target = to.open(Clock.systemUTC())) {
      target.putSetting("secrets.data-key", "v1:0011223344556677:AAAA");
    }
    Map<String, List<Map<String, Object>>> before = dump(to);

    assertThatThrownBy(() -> StoreCopy.copy(from, to)).isInstanceOf(StoreException.class)
        .hasMessage("the target store " + to.display() + " already holds data (0 change sets, 0 changes, 0 entries,"
            + " 0 devices, 0 tokens, 0 reports, 0 certificates, 1 setting, 0 last-seen times); copy only into an empty store:"
            + " a new SQLite file or an empty PostgreSQL schema");
    assertThat(dump(to)).isEqualTo(before);
  }

  @Test
  void aMissingSourceIsRefusedAndNotCreated() {
    StoreUrl from = sqlite("missing.db");
    StoreUrl to = sqlite("to.db");
    assertThatThrownBy(() -> StoreCopy.copy(from, to)).isInstanceOf(StoreException.class)
        .hasMessage("there is no store at " + from.display() + " to copy from");
    assertThat(dir.resolve("missing.db")).doesNotExist();
    assertThat(dir.resolve("to.db")).doesNotExist();
  }

  @Test
  void copyingAStoreOntoItselfIsRefused() {
    StoreUrl from = sqlite("from.db");
    fill(from);
    assertThatThrownBy(() -> StoreCopy.copy(from, new StoreUrl.Sqlite(dir.resolve("./from.db"))))
        .isInstanceOf(StoreException.class)
        .hasMessage("the source and the target are the same store: sqlite:" + dir.resolve("./from.db"));
  }

  @Test
  void bothDialectsMakeTheSameTablesInDependencyOrder() {
    assertThat(StoreCopy.schemaTables()).containsExactly("change_sets", "changes", "entries", "devices", "tokens",
        "reports", "certificates", "settings", "device_seen");
  }

  private StoreUrl sqlite(String name) {
    return new StoreUrl.Sqlite(dir.resolve(name));
  }

  /** Something in every table: history with deletes and a secret, tokens, certificates, trimmed reports. */
  private void fill(StoreUrl url) {
    // A fixed clock, so that times survive only if copied, not because they happen to be close.
    Clock clock = Clock.fixed(Instant.parse("2024-03-01T10:15:30.123Z"), ZoneOffset.UTC);
    try (Store store = url.open(clock)) {
      Keyring.open(store, master);
      Device lisbon = new Device(DeviceId.of("vv-1"), List.of(GroupName.of("site/lisbon")), Map.of("rack", "b2"));
      Device porto = new Device(DeviceId.of("vv-2"), List.of(GroupName.of("site/porto")), Map.of());
      commit(store, "alice", "devices", new Mutation.CreateDevice(lisbon), new Mutation.CreateDevice(porto));
      commit(store, "alice", "start", put("global/common/log_level", "\"info\""), put("global/common/retries", "3"));
      commit(store, "bob", "dvr", new Mutation.Put(Key.parse("global/dvr/password"), TextNode.valueOf("hunter2"),
          Optional.empty(), true));
      commit(store, "bob", "louder", put("devices/vv-1/common/log_level", "\"debug\""));
      commit(store, "carol", "", new Mutation.Delete(Key.parse("global/common/retries"), Optional.empty()));
      commit(store, "carol", "move", new Mutation.UpdateDevice(porto.withGroups(List.of(GroupName.of("site/lisbon")))));
      commit(store, "carol", "gone", new Mutation.DeleteDevice(DeviceId.of("vv-2")));
      commit(store, "dave", "ünïcödé ✓", put("global/tv/name", "\"canal ✓\""), put("global/tv/fw", "1.10"),
          Mutation.Put.of(Key.parse("plain/blob"), com.fasterxml.jackson.databind.node.BinaryNode.valueOf(BLOB)));
      commit(store, "dave", "rotate", new Mutation.Put(Key.parse("global/dvr/password"), TextNode.valueOf("hunter3"),
          Optional.empty(), false));
      store.addToken(token("tok_a", Optional.of(Instant.ofEpochMilli(1_000)), Optional.empty()));
      store.addToken(token("tok_e", Optional.empty(), Optional.empty()));
      store.revokeToken("tok_a", Instant.ofEpochMilli(7));
      store.useToken("tok_e", Instant.ofEpochMilli(9));
      store.addCertificate(new CertificateRecord("0a1b", "vv-1", Instant.ofEpochMilli(1), Instant.ofEpochMilli(100),
          Optional.empty()));
      store.addCertificate(new CertificateRecord("0c2d", "vv-2", Instant.ofEpochMilli(2), Instant.ofEpochMilli(200),
          Optional.empty()));
      store.revokeCertificate("0c2d", Instant.ofEpochMilli(50));
      // More than the store keeps, so that the first ids are gone and the ids do not start at 1.
      for (int i = 1; i <= Store.REPORT_HISTORY + 3; i++) {
        store.addReport(report("common", i, Optional.empty()));
      }
      store.addReport(report("tv", 4, Optional.of("health check failed")));
      store.saveLastSeen(Map.of(DeviceId.of("vv-1"), Instant.parse("2024-03-01T10:16:00.456Z")));
    }
  }

  private static ChangeSet commit(Store store, String author, String message, Mutation... mutations) {
    return store.commit(new Proposal(author, message, "api", List.of(mutations)));
  }

  private static Mutation put(String key, String json) {
    return Mutation.Put.of(Key.parse(key), io.fleetconf.format.Json.read(json));
  }

  private static TokenRecord token(String id, Optional<Instant> expires, Optional<Instant> revoked) {
    return new TokenRecord(id, ("sha-of-" + id).getBytes(StandardCharsets.UTF_8), "operator", "ops-" + id,
        List.of("read fleet/global/*"), Instant.ofEpochMilli(5), expires, revoked, Optional.empty());
  }

  private static Report report(String namespace, int revision, Optional<String> error) {
    return new Report(DeviceId.of("vv-1"), namespace, Revision.of(revision), "h" + revision,
        error.isPresent() ? Report.Status.ROLLED_BACK : Report.Status.APPLIED, error, "0.1",
        Instant.ofEpochMilli(1_000 + revision), error.map(e -> Revision.of(revision - 1)));
  }

  /** Same rows in every table, and the same answers from the store's reads, secrets opened. */
  private void assertSameStore(StoreUrl expected, StoreUrl actual) {
    assertThat(dump(actual)).isEqualTo(dump(expected));
    try (Store a = expected.open(Clock.systemUTC()); Store b = actual.open(Clock.systemUTC())) {
      Keyring.open(a, master);
      Keyring.open(b, master);
      List<ChangeSet> history = a.history(Optional.empty(), Revision.of(Long.MAX_VALUE), 1000);
      assertThat(history).hasSize(9);
      assertThat(b.history(Optional.empty(), Revision.of(Long.MAX_VALUE), 1000)).isEqualTo(history);
      assertThat(b.revision()).isEqualTo(a.revision());
      assertThat(b.entries()).isEqualTo(a.entries());
      assertThat(b.entries()).filteredOn(e -> e.key().toString().equals("global/dvr/password")).singleElement()
          .satisfies(e -> {
            assertThat(e.secret()).isTrue();
            assertThat(e.value().asText()).isEqualTo("hunter3");
          });
      assertThat(b.entries()).filteredOn(e -> e.key().toString().equals("global/tv/fw")).singleElement()
          .satisfies(e -> assertThat(io.fleetconf.format.Json.write(e.value())).isEqualTo("1.10"));
      assertThat(b.entries()).filteredOn(e -> e.key().toString().equals("plain/blob")).singleElement()
          .satisfies(e -> assertThat(e.value().binaryValue()).isEqualTo(BLOB));
      assertThat(b.devices()).isEqualTo(a.devices());
      assertThat(b.devicesAt(Revision.of(6))).isEqualTo(a.devicesAt(Revision.of(6)));
      assertThat(b.entriesAt(Revision.of(3))).isEqualTo(a.entriesAt(Revision.of(3)));
      assertThat(b.certificates()).isEqualTo(a.certificates());
      assertThat(b.latestReports()).isEqualTo(a.latestReports());
      assertThat(b.lastSeen()).isEqualTo(a.lastSeen()).containsOnlyKeys(DeviceId.of("vv-1"));
      assertThat(b.reports(DeviceId.of("vv-1"), 100)).isEqualTo(a.reports(DeviceId.of("vv-1"), 100));
    }
  }

  /** The copy is a working store: the next commit takes the next revision, a new report the next id. */
  private void assertStillWorks(StoreUrl url, long nextRevision) {
    try (Store store = url.open(Clock.systemUTC())) {
      Keyring.open(store, master);
      assertThat(commit(store, "erin", "after", put("global/after/x", "1")).revision()).isEqualTo(Revision.of(nextRevision));
      store.addReport(report("common", 99, Optional.empty()));
      assertThat(store.latestReports()).extracting(r -> r.namespace() + "@" + r.revision().value())
          .containsExactly("common@99", "tv@4");
    }
  }

  /** Every row of every table, values as Long, String or hex (for bytes), rows in a fixed order. */
  static Map<String, List<Map<String, Object>>> dump(StoreUrl url) {
    try (JdbcStore store = (JdbcStore) url.open(Clock.systemUTC())) {
      return store.inTransaction(connection -> {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        for (String table : StoreCopy.schemaTables()) {
          List<Map<String, Object>> rows = new ArrayList<>();
          try (Statement statement = connection.createStatement();
              ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
              Map<String, Object> row = new LinkedHashMap<>();
              for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = result.getObject(i);
                row.put(meta.getColumnName(i), value instanceof Number n ? (Object) n.longValue()
                    : value instanceof byte[] bytes ? "x" + HexFormat.of().formatHex(bytes) : value);
              }
              rows.add(row);
            }
          }
          // The databases order text differently; the comparison is of sets of rows.
          rows.sort(Comparator.comparing(Object::toString));
          tables.put(table, rows);
        }
        return tables;
      });
    }
  }
}
