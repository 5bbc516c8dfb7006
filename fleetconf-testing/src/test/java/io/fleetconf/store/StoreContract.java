package io.fleetconf.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Revision;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.Instant;
import io.fleetconf.core.Proposal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do; each implementation's test extends this. Entries, change sets,
 * devices and history are in {@link StoreEntriesContract}; here are reports, last-seen times,
 * tokens, certificates, secrets and exact values.
 */
abstract class StoreContract extends StoreEntriesContract {
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

  /** The group path writes history in one batch; a key first marked secret in the group must still seal what the group wrote of it. */
  @Test
  void aKeyMarkedSecretInAGroupCommitLeavesNoPlaintextOfTheGroupsEarlierValues() throws Exception {
    Keyring.open(store, MasterKey.generate());
    String plaintext = "group-" + java.util.UUID.randomUUID();
    Key key = Key.parse("global/dvr/password");
    var outcomes = store.commitAll(List.of(
        new Proposal("a", "plain", "api", List.of(new Mutation.Put(key, TextNode.valueOf("plain-" + plaintext),
            Optional.empty(), false))),
        new Proposal("b", "other", "api", List.of(put("global/dvr/port", "554"))),
        new Proposal("c", "secret", "api", List.of(new Mutation.Put(key, TextNode.valueOf(plaintext), Optional.empty(),
            true)))));
    assertThat(outcomes).allMatch(outcome -> outcome instanceof Store.CommitOutcome.Committed);
    assertThat(store.changesSince(Revision.ZERO, 10)).extracting(changeSet -> changeSet.changes().get(0))
        .containsExactly(
            new Change.EntryChange(key, Optional.empty(), Optional.of(new Entry(key,
                TextNode.valueOf("plain-" + plaintext), Revision.of(1), Revision.of(1), 1, true))),
            new Change.EntryChange(Key.parse("global/dvr/port"), Optional.empty(), Optional.of(new Entry(
                Key.parse("global/dvr/port"), json("554"), Revision.of(2), Revision.of(2), 1, false))),
            new Change.EntryChange(key,
                Optional.of(new Entry(key, TextNode.valueOf("plain-" + plaintext), Revision.of(1), Revision.of(1), 1, true)),
                Optional.of(new Entry(key, TextNode.valueOf(plaintext), Revision.of(1), Revision.of(3), 2, true))));
    store.close();
    assertThat(databaseBytesContain(dir, plaintext)).isFalse();
    store = open(dir);
  }

  @Test
  void valuesKeepTheirNumberTextAndBinaryBytesInEveryTableAndAfterAReopen() throws Exception {
    MasterKey master = MasterKey.generate();
    Keyring.open(store, master);
    String numbers = "{\"fw\":1.10,\"n\":1e3,\"big\":9007199254740993,\"huge\":123456789012345678901234567890}";
    byte[] bytes = {0, (byte) 0xFF, (byte) 0xC3, 0x28, 0x1F, (byte) 0x8B, 0x08, 0x00};
    Key binaryKey = Key.parse("plain/config/blob");
    Key sealedKey = Key.parse("plain/config/sealed-blob");
    commit(Mutation.Put.of(Key.parse("global/a/numbers"), io.fleetconf.format.Json.read(numbers)),
        Mutation.Put.of(binaryKey, com.fasterxml.jackson.databind.node.BinaryNode.valueOf(bytes)),
        new Mutation.Put(sealedKey, com.fasterxml.jackson.databind.node.BinaryNode.valueOf(bytes), Optional.empty(), true));
    assertThat(commit(Mutation.Put.of(Key.parse("global/a/numbers"),
        io.fleetconf.format.Json.read(numbers.replace("1.10", "1.1")))).changes()).hasSize(1);
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

  @Test
  void replaceFlagIsKeptInEntriesHistoryAndPastStatesAndByPutsThatDoNotSayIt() {
    Key key = Key.parse("groups/ansible/web/vars/opts");
    JsonNode value = json("{\"a\":null,\"b\":1}");
    commit(new Mutation.Put(key, value, Optional.empty(), false, java.util.OptionalLong.empty(), Optional.of(true)));
    commit(new Mutation.Put(key, json("{\"a\":null}"), Optional.empty(), false));
    store.close();
    store = open(dir);
    assertThat(store.entries()).singleElement().satisfies(entry -> {
      assertThat(entry.replace()).isTrue();
      assertThat(exactText(entry.value())).isEqualTo("{\"a\":null}");
    });
    assertThat(store.entriesAt(Revision.of(1))).singleElement()
        .isEqualTo(new Entry(key, value, Revision.of(1), Revision.of(1), 1, false, 0, true));
    Change.EntryChange change = (Change.EntryChange) store.history(Optional.empty(), Revision.of(99), 1).get(0).changes().get(0);
    assertThat(change.before().orElseThrow().replace()).isTrue();
    assertThat(change.after().orElseThrow().replace()).isTrue();
    commit(new Mutation.Put(key, value, Optional.empty(), false, java.util.OptionalLong.empty(), Optional.of(false)));
    assertThat(store.entries()).singleElement().satisfies(entry -> assertThat(entry.replace()).isFalse());
    assertThat(store.entriesAt(Revision.of(2))).singleElement().satisfies(entry -> assertThat(entry.replace()).isTrue());
  }

  private static String exactText(JsonNode value) {
    return io.fleetconf.format.Json.write(value);
  }

  private JsonNode entryAt(Revision at, String key) {
    return store.entriesAt(at).stream().filter(e -> e.key().equals(Key.parse(key))).findFirst().orElseThrow().value();
  }

  /** True if any file of the store's directory holds {@code text} (the database, its WAL, a dump). */
  protected abstract boolean databaseBytesContain(java.nio.file.Path dir, String text) throws Exception;

  @Test
  void aSettingSwapMovesOnlyFromTheValueReadAndOnlyWithItsChangeSet() {
    Mutation.SwapSetting first = new Mutation.SwapSetting("git.fleet.cursor", Optional.empty(), "one");
    assertThat(commit(store, first, put("global/a/x", "1")).changes()).hasSize(1); // the entry, not the setting
    assertThat(store.setting("git.fleet.cursor")).contains("one");

    // Expecting it unset again: refused as a whole, the put with it included.
    assertThatThrownBy(() -> commit(store, first, put("global/a/x", "2"))).isInstanceOf(ConflictException.class)
        .hasMessage("setting 'git.fleet.cursor' was moved by another writer");
    assertThat(store.revision()).isEqualTo(Revision.of(1));
    assertThat(store.entries()).extracting(e -> e.value().toString()).containsExactly("1");

    // A swap alone records no change set, and still moves.
    var alone = commit(store, new Mutation.SwapSetting("git.fleet.cursor", Optional.of("one"), "two"));
    assertThat(alone.changes()).isEmpty();
    assertThat(alone.revision()).isEqualTo(Revision.of(1));
    assertThat(store.setting("git.fleet.cursor")).contains("two");

    // Two proposals read the same value: the first moves it, the second is refused alone.
    var outcomes = store.commitAll(List.of(
        new Proposal("x", "first", "git", List.of(new Mutation.SwapSetting("git.fleet.cursor", Optional.of("two"),
            "three"), put("global/a/x", "3"))),
        new Proposal("y", "second", "git", List.of(new Mutation.SwapSetting("git.fleet.cursor", Optional.of("two"),
            "four"), put("global/a/x", "4")))));
    assertThat(outcomes.get(0)).isInstanceOf(Store.CommitOutcome.Committed.class);
    assertThat(outcomes.get(1)).isInstanceOfSatisfying(Store.CommitOutcome.Refused.class,
        refused -> assertThat(refused.reason()).isInstanceOf(ConflictException.class));
    assertThat(store.setting("git.fleet.cursor")).contains("three");
    assertThat(store.revision()).isEqualTo(Revision.of(2));
    assertThat(store.entries()).extracting(e -> e.value().toString()).containsExactly("3");
  }
}
