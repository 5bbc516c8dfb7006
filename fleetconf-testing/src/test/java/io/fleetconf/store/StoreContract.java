package io.fleetconf.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link Store} must do; each implementation's test extends this. */
abstract class StoreContract {

  @TempDir Path dir;
  Store store;

  /** Opens the store under test; called again by tests that reopen it. */
  abstract Store open(Path dir);

  @BeforeEach
  void openStore() {
    store = open(dir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A value as the server reads one: numbers keep their text. */
  static JsonNode json(String text) {
    return io.fleetconf.core.format.Json.read(text);
  }

  static Mutation put(String key, String json) {
    return Mutation.Put.of(Key.parse(key), json(json));
  }

  ChangeSet commit(Mutation... mutations) {
    return commit(store, mutations);
  }

  static ChangeSet commit(Store target, Mutation... mutations) {
    return target.commit(new Proposal("alice", "test", "api", List.of(mutations)));
  }

  Optional<Entry> entry(String key) {
    return store.entries().stream().filter(e -> e.key().equals(Key.parse(key))).findFirst();
  }

  static Mutation device(String id, String... groups) {
    return new Mutation.CreateDevice(new Device(DeviceId.of(id),
        java.util.Arrays.stream(groups).map(GroupName::of).toList(), Map.of()));
  }

  @Test
  void emptyStoreIsAtRevisionZero() {
    assertThat(store.revision()).isEqualTo(Revision.ZERO);
    assertThat(store.entries()).isEmpty();
    assertThat(store.changesSince(Revision.ZERO, 10)).isEmpty();
  }

  @Test
  void eachCommitTakesTheNextRevision() {
    assertThat(commit(put("global/a/x", "1")).revision()).isEqualTo(Revision.of(1));
    assertThat(commit(put("global/a/y", "2"), put("global/a/z", "3")).revision()).isEqualTo(Revision.of(2));
    assertThat(store.revision()).isEqualTo(Revision.of(2));
  }

  @Test
  void aGroupCommitGivesEachProposalItsOwnRevisionAndRefusesOnlyTheFailingOne() {
    commit(put("global/a/x", "1"));
    Key key = Key.parse("global/a/x");
    List<Store.Outcome> outcomes = store.commitAll(List.of(
        new Proposal("alice", "first", "api", List.of(put("global/a/y", "2"))),
        new Proposal("bob", "stale", "api", List.of(put("global/a/z", "9"),
            new Mutation.Put(key, json("9"), Optional.of(Revision.of(7))))),
        new Proposal("carol", "nothing", "api", List.of(new Mutation.DeleteTree(Key.parsePrefix("global/none")))),
        new Proposal("dave", "sees the first", "api", List.of(new Mutation.Put(Key.parse("global/a/y"), json("3"),
            Optional.of(Revision.of(2)))))));
    assertThat(outcomes).hasSize(4);
    assertThat(((Store.Outcome.Committed) outcomes.get(0)).changeSet().revision()).isEqualTo(Revision.of(2));
    assertThat(((Store.Outcome.Refused) outcomes.get(1)).reason()).isInstanceOf(ConflictException.class);
    ChangeSet nothing = ((Store.Outcome.Committed) outcomes.get(2)).changeSet();
    assertThat(nothing.revision()).isEqualTo(Revision.of(2));
    assertThat(nothing.changes()).isEmpty();
    assertThat(((Store.Outcome.Committed) outcomes.get(3)).changeSet().revision()).isEqualTo(Revision.of(3));
    assertThat(store.revision()).isEqualTo(Revision.of(3));
    assertThat(entry("global/a/z")).isEmpty(); // the refused proposal left no half behind
    assertThat(entry("global/a/y").orElseThrow().value()).isEqualTo(json("3"));
    assertThat(store.changesSince(Revision.ZERO, 10)).extracting(ChangeSet::author)
        .containsExactly("alice", "alice", "dave");
  }

  @Test
  void entryKeepsCreateAndModifyRevisionAndVersion() {
    commit(put("global/a/x", "1"));
    commit(put("global/b/y", "1"));
    commit(put("global/a/x", "2"));
    Entry entry = entry("global/a/x").orElseThrow();
    assertThat(entry.value()).isEqualTo(json("2"));
    assertThat(entry.createRevision()).isEqualTo(Revision.of(1));
    assertThat(entry.modRevision()).isEqualTo(Revision.of(3));
    assertThat(entry.version()).isEqualTo(2);
  }

  @Test
  void changeSetRecordsAuthorMessageSourceAndBeforeAfter() {
    commit(put("global/a/x", "1"));
    ChangeSet second = store.commit(new Proposal("bob", "raise x", "cli", List.of(put("global/a/x", "2"))));
    ChangeSet stored = store.changeSet(second.revision()).orElseThrow();
    assertThat(stored.author()).isEqualTo("bob");
    assertThat(stored.message()).isEqualTo("raise x");
    assertThat(stored.source()).isEqualTo("cli");
    Change.EntryChange change = (Change.EntryChange) stored.changes().get(0);
    assertThat(change.before().orElseThrow().value()).isEqualTo(json("1"));
    assertThat(change.after().orElseThrow().value()).isEqualTo(json("2"));
    assertThat(stored).isEqualTo(second);
  }

  @Test
  void compareAndSetOnModifyRevision() {
    commit(put("global/a/x", "1"));
    Key key = Key.parse("global/a/x");
    assertThatThrownBy(() -> commit(new Mutation.Put(key, json("2"), Optional.of(Revision.of(7)))))
        .isInstanceOf(ConflictException.class)
        .hasMessage("key 'global/a/x' was modified at revision 1, expected 7");
    commit(new Mutation.Put(key, json("3"), Optional.of(Revision.of(1))));
    assertThat(entry("global/a/x").orElseThrow().value()).isEqualTo(json("3"));
  }

  @Test
  void compareAndSetWithZeroMeansCreateOnly() {
    Key key = Key.parse("global/a/x");
    commit(new Mutation.Put(key, json("1"), Optional.of(Revision.ZERO)));
    assertThatThrownBy(() -> commit(new Mutation.Put(key, json("2"), Optional.of(Revision.ZERO))))
        .isInstanceOf(ConflictException.class)
        .hasMessage("key 'global/a/x' already exists (modified at revision 1)");
  }

  @Test
  void failedChangeSetChangesNothingAndBurnsNoRevision() {
    commit(put("global/a/x", "1"));
    assertThatThrownBy(() -> commit(put("global/a/y", "2"), new Mutation.Delete(Key.parse("global/a/nope"),
        Optional.empty())))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("key 'global/a/nope' does not exist");
    assertThat(store.revision()).isEqualTo(Revision.of(1));
    assertThat(entry("global/a/y")).isEmpty();
    assertThat(commit(put("global/a/z", "3")).revision()).isEqualTo(Revision.of(2));
    assertThat(store.changesSince(Revision.ZERO, 10)).extracting(ChangeSet::revision)
        .containsExactly(Revision.of(1), Revision.of(2));
  }

  @Test
  void laterMutationsSeeEarlierOnesInTheSameChangeSet() {
    ChangeSet done = commit(put("global/a/x", "1"), put("global/a/x", "2"), put("global/a/y", "1"),
        new Mutation.Delete(Key.parse("global/a/y"), Optional.empty()));
    assertThat(done.changes()).hasSize(1);
    assertThat(entry("global/a/x").orElseThrow().version()).isEqualTo(1);
    assertThat(entry("global/a/y")).isEmpty();
  }

  @Test
  void deleteTreeStopsAtSegmentBoundaries() {
    commit(put("global/common/a", "1"), put("global/common/b/c", "2"), put("global/commons/a", "3"),
        put("groups/site/x/common/a", "4"));
    ChangeSet done = commit(new Mutation.DeleteTree(Key.parsePrefix("global/common")));
    assertThat(done.changes()).hasSize(2);
    assertThat(store.entries()).extracting(e -> e.key().toString())
        .containsExactly("global/commons/a", "groups/site/x/common/a");
  }

  @Test
  void changeSetThatChangesNothingIsNotRecorded() {
    commit(put("global/a/x", "1"));
    ChangeSet none = commit(new Mutation.DeleteTree(Key.parsePrefix("global/empty")));
    assertThat(none.changes()).isEmpty();
    assertThat(none.revision()).isEqualTo(Revision.of(1));
    assertThat(store.revision()).isEqualTo(Revision.of(1));
  }

  @Test
  void deviceScopeNeedsARegisteredDevice() {
    assertThatThrownBy(() -> commit(put("devices/vv-9/common/x", "1")))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("device 'vv-9' is not registered; add it before writing to its scope");
    commit(device("vv-9", "site/lisbon"), put("devices/vv-9/common/x", "1"));
    assertThat(entry("devices/vv-9/common/x")).isPresent();
  }

  @Test
  void creatingATakenDeviceIdConflicts() {
    commit(device("vv-1"));
    assertThatThrownBy(() -> commit(device("vv-1"))).isInstanceOf(ConflictException.class)
        .hasMessage("device 'vv-1' already exists");
  }

  @Test
  void deletingADeviceDropsItsEntries() {
    commit(device("vv-1", "site/lisbon"), put("devices/vv-1/common/x", "1"), put("global/common/x", "0"));
    ChangeSet done = commit(new Mutation.DeleteDevice(DeviceId.of("vv-1")));
    assertThat(done.changes()).hasSize(2);
    assertThat(store.devices()).isEmpty();
    assertThat(store.entries()).extracting(e -> e.key().toString()).containsExactly("global/common/x");
  }

  @Test
  void deviceGroupsAndLabelsRoundTrip() {
    Device device = new Device(DeviceId.of("vv-1"),
        List.of(GroupName.of("device_type/rpi4"), GroupName.of("site/porto")), Map.of("rack", "b2", "hw", "pi"));
    commit(new Mutation.CreateDevice(device));
    assertThat(store.devices()).containsExactly(device);
    Device moved = device.withGroups(List.of(GroupName.of("site/lisbon")));
    commit(new Mutation.UpdateDevice(moved));
    assertThat(store.devices()).containsExactly(moved);
    assertThat(store.devicesAt(Revision.of(1))).containsExactly(device);
  }

  @Test
  void historyPerKeyAndPerPrefixNewestFirst() {
    commit(put("global/common/a", "1"));
    commit(put("global/orchestrator/fps", "10"));
    commit(put("global/common/a", "2"), put("global/orchestrator/fps", "12"));
    List<ChangeSet> common = store.history(Optional.of(Key.parsePrefix("global/common")), Revision.of(Long.MAX_VALUE), 10);
    assertThat(common).extracting(ChangeSet::revision).containsExactly(Revision.of(3), Revision.of(1));
    assertThat(common.get(0).changes()).hasSize(1);
    List<ChangeSet> all = store.history(Optional.empty(), Revision.of(Long.MAX_VALUE), 2);
    assertThat(all).extracting(ChangeSet::revision).containsExactly(Revision.of(3), Revision.of(2));
    List<ChangeSet> older = store.history(Optional.empty(), Revision.of(2), 10);
    assertThat(older).extracting(ChangeSet::revision).containsExactly(Revision.of(1));
  }

  @Test
  void changeFeedSinceARevision() {
    commit(put("global/a/x", "1"));
    commit(put("global/a/x", "2"));
    commit(put("global/a/x", "3"));
    assertThat(store.changesSince(Revision.of(1), 10)).extracting(ChangeSet::revision)
        .containsExactly(Revision.of(2), Revision.of(3));
    assertThat(store.changesSince(Revision.of(1), 1)).extracting(ChangeSet::revision)
        .containsExactly(Revision.of(2));
  }

  @Test
  void entriesAsTheyWereAtARevision() {
    commit(put("global/a/x", "1"), put("global/a/y", "1"));
    commit(put("global/a/x", "2"), new Mutation.Delete(Key.parse("global/a/y"), Optional.empty()));
    commit(put("global/b/z", "1"));
    assertThat(store.entriesAt(Revision.of(1))).extracting(e -> e.key() + "=" + e.value())
        .containsExactly("global/a/x=1", "global/a/y=1");
    assertThat(store.entriesAt(Revision.of(2), Key.parsePrefix("global/a")))
        .extracting(e -> e.key() + "=" + e.value()).containsExactly("global/a/x=2");
    assertThat(store.entriesAt(Revision.ZERO)).isEmpty();
  }

  @Test
  void everythingSurvivesAReopen() {
    commit(device("vv-1", "site/lisbon"), put("global/a/x", "1"));
    commit(put("devices/vv-1/a/x", "\"hi\""));
    store.addToken(token("tok_1", "operator", "admin", Optional.empty()));
    List<Entry> entries = store.entries();
    store.close();
    store = open(dir);
    assertThat(store.revision()).isEqualTo(Revision.of(2));
    assertThat(store.entries()).isEqualTo(entries);
    assertThat(store.devices()).extracting(d -> d.id().value()).containsExactly("vv-1");
    assertThat(store.tokens()).singleElement().satisfies(t -> assertThat(t.identity()).isEqualTo("admin"));
    assertThat(commit(put("global/a/x", "2")).revision()).isEqualTo(Revision.of(3));
  }

  @Test
  void reportsKeepTheLatestAndAShortHistoryPerDeviceAndNamespace() {
    DeviceId id = DeviceId.of("vv-1");
    for (int i = 1; i <= Store.REPORT_HISTORY + 5; i++) {
      store.addReport(new io.fleetconf.core.Report(id, "common", Revision.of(i), "h" + i,
          io.fleetconf.core.Report.Status.APPLIED, Optional.empty(), "0.1", java.time.Instant.ofEpochMilli(i)));
    }
    store.addReport(new io.fleetconf.core.Report(id, "tv_scheduler", Revision.of(3), "x",
        io.fleetconf.core.Report.Status.ROLLED_BACK, Optional.of("health check failed"), "0.1",
        java.time.Instant.ofEpochMilli(99)));
    assertThat(store.latestReports()).extracting(r -> r.namespace() + "@" + r.revision() + ":" + r.status().wire())
        .containsExactly("common@25:applied", "tv_scheduler@3:rolled_back");
    assertThat(store.reports(id, 100)).hasSize(Store.REPORT_HISTORY + 1);
    assertThat(store.reports(id, 1).get(0).error()).contains("health check failed");
  }

  @Test
  void aReportKeepsTheRevisionItsDeviceRunsAfterARollback() {
    DeviceId id = DeviceId.of("vv-1");
    store.addReport(new io.fleetconf.core.Report(id, "common", Revision.of(7), "h7",
        io.fleetconf.core.Report.Status.ROLLED_BACK, Optional.of("health check failed"), "0.2",
        Instant.ofEpochMilli(70), Optional.of(Revision.of(5))));
    store.addReport(new io.fleetconf.core.Report(id, "tv", Revision.of(6), "h6",
        io.fleetconf.core.Report.Status.APPLIED, Optional.empty(), "0.1", Instant.ofEpochMilli(60)));
    assertThat(store.latestReports()).extracting(r -> r.namespace() + "@" + r.revision() + " runs " + r.runningRevision())
        .containsExactly("common@7 runs Optional[5]", "tv@6 runs Optional.empty");
  }

  @Test
  void lastSeenTimesKeepTheLaterOneAndSurviveAReopen() {
    DeviceId one = DeviceId.of("vv-1");
    DeviceId two = DeviceId.of("vv-2");
    store.saveLastSeen(Map.of(one, Instant.parse("2026-12-02T03:00:00.123Z"), two, Instant.ofEpochMilli(5)));
    store.saveLastSeen(Map.of(one, Instant.parse("2026-12-02T02:59:00Z"), two, Instant.ofEpochMilli(9)));
    store.close();
    store = open(dir);
    assertThat(store.lastSeen()).isEqualTo(Map.of(one, Instant.parse("2026-12-02T03:00:00.123Z"),
        two, Instant.ofEpochMilli(9)));
  }

  private static TokenRecord token(String id, String kind, String identity, Optional<Instant> expires) {
    return new TokenRecord(id, id.getBytes(java.nio.charset.StandardCharsets.UTF_8), kind, identity,
        List.of("read fleet/global/*", "read devices"), Instant.ofEpochMilli(5), expires, Optional.empty(),
        Optional.empty());
  }

  @Test
  void tokensKeepTheirRulesAndLifeAndAreRevokedOrUsedOnce() {
    store.addToken(token("tok_a", "operator", "alice", Optional.of(Instant.ofEpochMilli(1_000))));
    store.addToken(token("tok_e", "enrolment", "vv-1", Optional.empty()));
    assertThat(store.revokeToken("tok_a", Instant.ofEpochMilli(7))).isTrue();
    assertThat(store.revokeToken("tok_a", Instant.ofEpochMilli(8))).isFalse();
    assertThat(store.revokeToken("tok_nope", Instant.ofEpochMilli(8))).isFalse();
    assertThat(store.useToken("tok_e", Instant.ofEpochMilli(9))).isTrue();
    assertThat(store.useToken("tok_e", Instant.ofEpochMilli(10))).isFalse();
    store.close();
    store = open(dir);
    assertThat(store.tokens()).extracting(t -> t.id() + " " + t.kind() + " " + t.identity() + " " + t.rules() + " "
            + t.expires().map(Instant::toEpochMilli).orElse(-1L) + " " + t.revoked().map(Instant::toEpochMilli).orElse(-1L)
            + " " + t.used().map(Instant::toEpochMilli).orElse(-1L))
        .containsExactly("tok_a operator alice [read fleet/global/*, read devices] 1000 7 -1",
            "tok_e enrolment vv-1 [read fleet/global/*, read devices] -1 -1 9");
  }

  @Test
  void certificatesAreRecordedAndRevokedOnce() {
    store.addCertificate(new CertificateRecord("0a1b", "vv-1", Instant.ofEpochMilli(1), Instant.ofEpochMilli(100),
        Optional.empty()));
    assertThat(store.revokeCertificate("0a1b", Instant.ofEpochMilli(50))).isTrue();
    assertThat(store.revokeCertificate("0a1b", Instant.ofEpochMilli(60))).isFalse();
    assertThat(store.certificates()).containsExactly(new CertificateRecord("0a1b", "vv-1", Instant.ofEpochMilli(1),
        Instant.ofEpochMilli(100), Optional.of(Instant.ofEpochMilli(50))));
  }

  @Test
  void secretsAreSealedInEveryTableAndStaySecretUntilDeleted() throws Exception {
    MasterKey master = MasterKey.generate();
    Keyring.open(store, master);
    String plaintext = "hunter2-" + java.util.UUID.randomUUID();
    Key key = Key.parse("global/dvr/password");
    // First written as a plain value, deleted, written again, and only then marked secret.
    commit(new Mutation.Put(key, TextNode.valueOf("early-" + plaintext), Optional.empty(), false));
    commit(new Mutation.Delete(key, Optional.empty()));
    commit(new Mutation.Put(key, TextNode.valueOf("plain-" + plaintext), Optional.empty(), false));
    commit(new Mutation.Put(key, TextNode.valueOf(plaintext), Optional.empty(), true));
    commit(new Mutation.Put(key, TextNode.valueOf(plaintext + "-2"), Optional.empty(), false));
    assertThat(store.entries()).singleElement().satisfies(entry -> {
      assertThat(entry.secret()).isTrue();
      assertThat(entry.value().asText()).isEqualTo(plaintext + "-2");
    });
    assertThat(store.history(Optional.empty(), Revision.of(99), 10).get(1).changes().get(0))
        .isEqualTo(new io.fleetconf.core.Change.EntryChange(key,
            Optional.of(new Entry(key, TextNode.valueOf("plain-" + plaintext), Revision.of(3), Revision.of(3), 1, true)),
            Optional.of(new Entry(key, TextNode.valueOf(plaintext), Revision.of(3), Revision.of(4), 2, true))));
    store.close();
    assertThat(databaseBytesContain(dir, plaintext)).isFalse();
    store = open(dir);
    org.assertj.core.api.Assertions.assertThatThrownBy(store::entries).isInstanceOf(StoreException.class)
        .hasMessageContaining("without a master key");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Keyring.open(store, MasterKey.generate()))
        .isInstanceOf(StoreException.class).hasMessageContaining("is not the one that wrapped");
    MasterKey next = MasterKey.generate();
    Keyring.rotate(store, master, next);
    Keyring.open(store, next);
    assertThat(store.entries()).singleElement().satisfies(e -> assertThat(e.value().asText()).isEqualTo(plaintext + "-2"));
  }

  @Test
  void valuesKeepTheirNumberTextAndBinaryBytesInEveryTableAndAfterAReopen() throws Exception {
    MasterKey master = MasterKey.generate();
    Keyring.open(store, master);
    String numbers = "{\"fw\":1.10,\"n\":1e3,\"big\":9007199254740993,\"huge\":123456789012345678901234567890}";
    byte[] bytes = {0, (byte) 0xFF, (byte) 0xC3, 0x28, 0x1F, (byte) 0x8B, 0x08, 0x00};
    Key binaryKey = Key.parse("plain/config/blob");
    Key sealedKey = Key.parse("plain/config/sealed-blob");
    commit(Mutation.Put.of(Key.parse("global/a/numbers"), io.fleetconf.core.format.Json.read(numbers)),
        Mutation.Put.of(binaryKey, com.fasterxml.jackson.databind.node.BinaryNode.valueOf(bytes)),
        new Mutation.Put(sealedKey, com.fasterxml.jackson.databind.node.BinaryNode.valueOf(bytes), Optional.empty(), true));
    assertThat(commit(Mutation.Put.of(Key.parse("global/a/numbers"),
        io.fleetconf.core.format.Json.read(numbers.replace("1.10", "1.1")))).changes()).hasSize(1);
    store.close();
    store = open(dir);
    Keyring.open(store, master);
    assertThat(exactText(entryAt(Revision.of(1), "global/a/numbers"))).isEqualTo(numbers);
    assertThat(exactText(entryAt(Revision.of(2), "global/a/numbers"))).isEqualTo(numbers.replace("1.10", "1.1"));
    Change.EntryChange change = (Change.EntryChange) store.history(Optional.empty(), Revision.of(99), 1).get(0).changes().get(0);
    assertThat(exactText(change.before().orElseThrow().value())).isEqualTo(numbers);
    assertThat(entryAt(Revision.of(2), "plain/config/blob").binaryValue()).isEqualTo(bytes);
    assertThat(entryAt(Revision.of(2), "plain/config/sealed-blob").binaryValue()).isEqualTo(bytes);
    assertThat(((Change.EntryChange) store.changesSince(Revision.ZERO, 1).get(0).changes().get(1)).after()
        .orElseThrow().value().isBinary()).isTrue();
  }

  private static String exactText(JsonNode value) {
    return io.fleetconf.core.format.Json.write(value);
  }

  private JsonNode entryAt(Revision at, String key) {
    return store.entriesAt(at).stream().filter(e -> e.key().equals(Key.parse(key))).findFirst().orElseThrow().value();
  }

  /** True if any file of the store's directory holds {@code text} (the database, its WAL, a dump). */
  protected abstract boolean databaseBytesContain(java.nio.file.Path dir, String text) throws Exception;
}
