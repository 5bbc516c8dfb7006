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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Store} must do with entries, change sets, devices and history; {@link StoreContract},
 * which each implementation's test extends, adds the rest.
 */
abstract class StoreEntriesContract {
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
    return io.fleetconf.format.Json.read(text);
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

  static TokenRecord token(String id, String kind, String identity, Optional<Instant> expires) {
    return new TokenRecord(id, id.getBytes(java.nio.charset.StandardCharsets.UTF_8), kind, identity,
        List.of("read fleet/global/*", "read devices"), Instant.ofEpochMilli(5), expires, Optional.empty(),
        Optional.empty());
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
    List<Store.CommitOutcome> outcomes = store.commitAll(List.of(
        new Proposal("alice", "first", "api", List.of(put("global/a/y", "2"))),
        new Proposal("bob", "stale", "api", List.of(put("global/a/z", "9"),
            new Mutation.Put(key, json("9"), Optional.of(Revision.of(7))))),
        new Proposal("carol", "nothing", "api", List.of(new Mutation.DeleteTree(Key.parsePrefix("global/none")))),
        new Proposal("dave", "sees the first", "api", List.of(new Mutation.Put(Key.parse("global/a/y"), json("3"),
            Optional.of(Revision.of(2)))))));
    assertThat(outcomes).hasSize(4);
    assertThat(((Store.CommitOutcome.Committed) outcomes.get(0)).changeSet().revision()).isEqualTo(Revision.of(2));
    assertThat(((Store.CommitOutcome.Refused) outcomes.get(1)).reason()).isInstanceOf(ConflictException.class);
    ChangeSet nothing = ((Store.CommitOutcome.Committed) outcomes.get(2)).changeSet();
    assertThat(nothing.revision()).isEqualTo(Revision.of(2));
    assertThat(nothing.changes()).isEmpty();
    assertThat(((Store.CommitOutcome.Committed) outcomes.get(3)).changeSet().revision()).isEqualTo(Revision.of(3));
    assertThat(store.revision()).isEqualTo(Revision.of(3));
    assertThat(entry("global/a/z")).isEmpty(); // the refused proposal left no half behind
    assertThat(entry("global/a/y").orElseThrow().value()).isEqualTo(json("3"));
    assertThat(store.changesSince(Revision.ZERO, 10)).extracting(ChangeSet::author)
        .containsExactly("alice", "alice", "dave");
  }

  /**
   * A group is planned before anything of it is written: each proposal must still read the rows
   * as the ones before it left them (a device made, a key put twice, a subtree that mixes stored
   * keys and the group's own), and what is written must be what a commit at a time would write.
   */
  @Test
  void aGroupCommitsProposalsReadTheRowsEarlierOnesOfTheGroupChanged() {
    commit(put("global/t/stored", "0"), put("global/t/kept", "7"));
    Key made = Key.parse("devices/vv-9/app/port");
    List<Store.CommitOutcome> outcomes = store.commitAll(List.of(
        new Proposal("a", "device", "api", List.of(device("vv-9", "site/a"))),
        new Proposal("b", "its scope", "api", List.of(new Mutation.Put(made, json("80"), Optional.of(Revision.ZERO)))),
        new Proposal("c", "again", "api", List.of(new Mutation.Put(made, json("81"), Optional.of(Revision.of(3))))),
        new Proposal("d", "missing", "api", List.of(put("global/t/new", "1"),
            new Mutation.Delete(Key.parse("global/t/none"), Optional.empty()))),
        new Proposal("e", "new", "api", List.of(put("global/t/sub/new", "2"))),
        new Proposal("f", "tree", "api", List.of(new Mutation.DeleteTree(Key.parsePrefix("global/t/sub")),
            new Mutation.Delete(Key.parse("global/t/stored"), Optional.of(Revision.of(1))))),
        new Proposal("g", "stale", "api", List.of(new Mutation.Put(made, json("82"), Optional.of(Revision.of(3))))),
        new Proposal("h", "device gone", "api", List.of(new Mutation.DeleteDevice(DeviceId.of("vv-9"))))));
    assertThat(outcomes).extracting(outcome -> outcome instanceof Store.CommitOutcome.Committed committed
            ? committed.changeSet().revision().value() : -1L)
        .containsExactly(2L, 3L, 4L, -1L, 5L, 6L, -1L, 7L);
    assertThat(((Store.CommitOutcome.Refused) outcomes.get(3)).reason()).isInstanceOf(NotFoundException.class)
        .hasMessage("key 'global/t/none' does not exist");
    assertThat(((Store.CommitOutcome.Refused) outcomes.get(6)).reason()).isInstanceOf(ConflictException.class)
        .hasMessage("key 'devices/vv-9/app/port' was modified at revision 4, expected 3");
    ChangeSet again = ((Store.CommitOutcome.Committed) outcomes.get(2)).changeSet();
    assertThat(again.changes()).containsExactly(new Change.EntryChange(made,
        Optional.of(new Entry(made, json("80"), Revision.of(3), Revision.of(3), 1, false)),
        Optional.of(new Entry(made, json("81"), Revision.of(3), Revision.of(4), 2, false))));
    ChangeSet tree = ((Store.CommitOutcome.Committed) outcomes.get(5)).changeSet();
    assertThat(tree.changes()).extracting(change -> ((Change.EntryChange) change).key().toString())
        .containsExactly("global/t/stored", "global/t/sub/new");
    ChangeSet gone = ((Store.CommitOutcome.Committed) outcomes.get(7)).changeSet();
    assertThat(gone.changes()).extracting(change -> change instanceof Change.EntryChange entry ? entry.key().toString()
        : ((Change.DeviceChange) change).id().value()).containsExactly("devices/vv-9/app/port", "vv-9");

    assertThat(store.revision()).isEqualTo(Revision.of(7));
    assertThat(store.entries()).extracting(e -> e.key() + "=" + e.value()).containsExactly("global/t/kept=7");
    assertThat(store.devices()).isEmpty();
    assertThat(store.changesSince(Revision.of(1), 10)).isEqualTo(outcomes.stream()
        .flatMap(outcome -> outcome instanceof Store.CommitOutcome.Committed committed
            ? java.util.stream.Stream.of(committed.changeSet()) : java.util.stream.Stream.empty()).toList());
    assertThat(store.entriesAt(Revision.of(4))).extracting(e -> e.key() + "=" + e.value() + "@" + e.version())
        .containsExactly("devices/vv-9/app/port=81@2", "global/t/kept=7@1", "global/t/stored=0@1");
    store.close();
    store = open(dir);
    assertThat(store.entries()).extracting(e -> e.key().toString()).containsExactly("global/t/kept");
    assertThat(store.revision()).isEqualTo(Revision.of(7));
  }

  /** The group's rows travel as arrays on PostgreSQL: no text may change on the way, nor a null become text. */
  @Test
  void textsThatArrayLiteralsMustEscapeKeepEveryCharacterInAGroupCommit() {
    List<String> texts = List.of("NULL", "null", "", "a,b", "{x}", "\"quoted\"", "back\\slash", " lead and trail ",
        "tab\tnew\nline", "ação 设备 \uD83D\uDE80", "'single'");
    List<Proposal> proposals = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      proposals.add(new Proposal(texts.get(i), texts.get(i), "api", List.of(new Mutation.Put(Key.parse("global/t/k" + i),
          com.fasterxml.jackson.databind.node.TextNode.valueOf(texts.get(i)), Optional.empty(), false))));
    }
    assertThat(store.commitAll(proposals)).allMatch(outcome -> outcome instanceof Store.CommitOutcome.Committed);
    store.close();
    store = open(dir);
    assertThat(store.entries()).extracting(e -> e.value().textValue()).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, texts.size()).boxed()
            .sorted(java.util.Comparator.comparing(i -> "global/t/k" + i)).map(texts::get).toList());
    List<ChangeSet> history = store.changesSince(Revision.ZERO, 100);
    assertThat(history).extracting(ChangeSet::author).containsExactlyElementsOf(texts);
    assertThat(history).extracting(ChangeSet::message).containsExactlyElementsOf(texts);
    assertThat(history).extracting(changeSet -> changeSet.commit()).allMatch(Optional::isEmpty);
    assertThat(history).extracting(changeSet -> ((Change.EntryChange) changeSet.changes().get(0)).before())
        .allMatch(Optional::isEmpty);
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
  void aGitCommitIdIsKeptWithItsChangeSetAndInHistory() {
    String commitId = "0123456789abcdef0123456789abcdef01234567";
    ChangeSet applied = store.commit(Proposal.ofCommit("Ana <ana@example.org>", "raise x", commitId,
        List.of(put("global/a/x", "2"))));
    commit(put("global/a/y", "1"));
    assertThat(applied.source()).isEqualTo("git");
    assertThat(applied.commit()).contains(commitId);
    assertThat(store.changeSet(applied.revision()).orElseThrow()).isEqualTo(applied);
    assertThat(store.history(Optional.empty(), Revision.of(3), 10)).extracting(ChangeSet::commit)
        .containsExactly(Optional.empty(), Optional.of(commitId));
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
}
