package io.fleetconf.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups of the embedded store while it is written, and restores that never hurt a running store. */
class SqliteBackupTest {
  @TempDir Path dir;

  @Test
  void aBackupTakenWhileCommitsGoOnIsOneCommittedState() throws Exception {
    Path store = dir.resolve("fleetconf.db");
    Path backup = dir.resolve("backup.db");
    AtomicBoolean stop = new AtomicBoolean();
    try (JdbcStore live = JdbcStore.openSqlite(store)) {
      for (int i = 0; i < 50; i++) {
        commit(live, i);
      }
      Thread writer = Thread.ofPlatform().start(() -> {
        for (int i = 50; !stop.get(); i++) {
          commit(live, i);
        }
      });
      StoreCopy.Contents contents;
      try {
        contents = SqliteBackup.backup(store, backup);
      } finally {
        stop.set(true);
        writer.join();
      }
      long revision = contents.lastRevision();
      assertThat(revision).isGreaterThanOrEqualTo(50);
      assertThat(contents.rows("change_sets")).isEqualTo(revision);
      assertThat(contents.rows("changes")).isEqualTo(revision * 2);
      assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(dir.resolve("backup.db-wal")).doesNotExist();

      Path copy = dir.resolve("copy.db");
      Files.copy(backup, copy);
      try (JdbcStore restored = JdbcStore.openSqlite(copy)) {
        assertThat(restored.revision()).isEqualTo(Revision.of(revision));
        assertThat(restored.history(Optional.empty(), Revision.of(Long.MAX_VALUE), 10_000))
            .isEqualTo(live.history(Optional.empty(), Revision.of(revision + 1), 10_000));
      }
    }
  }

  @Test
  void aBackupKeepsTheReplaceFlagOfEntriesAndTheirHistory() throws Exception {
    Path store = dir.resolve("fleetconf.db");
    Path backup = dir.resolve("backup.db");
    Key key = Key.parse("groups/ansible/web/vars/proxy");
    try (JdbcStore live = JdbcStore.openSqlite(store)) {
      live.commit(new Proposal("alice", "null", "api", List.of(new Mutation.Put(key,
          com.fasterxml.jackson.databind.node.NullNode.instance, Optional.empty(), false,
          java.util.OptionalLong.empty(), Optional.of(true)))));
      SqliteBackup.backup(store, backup);
    }
    try (JdbcStore restored = JdbcStore.openSqlite(backup)) {
      assertThat(restored.entries()).singleElement().satisfies(entry -> {
        assertThat(entry.replace()).isTrue();
        assertThat(entry.value().isNull()).isTrue();
      });
      assertThat(restored.entriesAt(Revision.of(1))).singleElement().satisfies(e -> assertThat(e.replace()).isTrue());
    }
  }

  @Test
  void aBackupNeverOverwritesAFile() throws Exception {
    Path store = dir.resolve("fleetconf.db");
    try (JdbcStore live = JdbcStore.openSqlite(store)) {
      commit(live, 0);
    }
    Path taken = Files.writeString(dir.resolve("taken.db"), "precious");
    assertThatThrownBy(() -> SqliteBackup.backup(store, taken)).isInstanceOf(StoreException.class)
        .hasMessage(taken + " already exists; a backup never overwrites a file: choose a new name");
    assertThat(Files.readString(taken)).isEqualTo("precious");
  }

  @Test
  void thereIsNothingToBackUpWithoutAStore() {
    Path missing = dir.resolve("nope/fleetconf.db");
    Path backup = dir.resolve("backup.db");
    assertThatThrownBy(() -> SqliteBackup.backup(missing, backup)).isInstanceOf(StoreException.class)
        .hasMessage("there is no store at " + missing + " to back up");
    assertThat(backup).doesNotExist();
    assertThat(missing).doesNotExist();
  }

  @Test
  void aStoreIsInUseExactlyWhileOpen() {
    Path store = dir.resolve("fleetconf.db");
    assertThat(SqliteBackup.inUse(store)).isFalse();
    assertThat(store).doesNotExist();
    try (JdbcStore live = JdbcStore.openSqlite(store)) {
      commit(live, 0);
      assertThat(SqliteBackup.inUse(store)).isTrue();
      // The probe leaves the server undisturbed.
      commit(live, 1);
    }
    assertThat(SqliteBackup.inUse(store)).isFalse();
  }

  @Test
  void restoreReplacesAStoreOnlyWhenAskedAndNoServerRunsAndKeepsTheOldOne() throws Exception {
    Path original = dir.resolve("original.db");
    Path backup = dir.resolve("backup.db");
    try (JdbcStore live = JdbcStore.openSqlite(original)) {
      commit(live, 0);
      commit(live, 1);
      SqliteBackup.backup(original, backup);
    }
    Path store = dir.resolve("data/fleetconf.db");
    Files.createDirectories(store.getParent());

    SqliteBackup.Restored fresh = SqliteBackup.restore(backup, store, false);
    assertThat(fresh.previous()).isEmpty();
    assertThat(fresh.contents().lastRevision()).isEqualTo(2);
    assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (JdbcStore restored = JdbcStore.openSqlite(store)) {
      commit(restored, 2);
      assertThat(SqliteBackup.inUse(store)).isTrue();
      assertThatThrownBy(() -> SqliteBackup.restore(backup, store, true)).isInstanceOf(StoreException.class)
          .hasMessage("a server is running on " + store + " (SQLite reports the database locked): stop it before restoring");
    }
    assertThatThrownBy(() -> SqliteBackup.restore(backup, store, false)).isInstanceOf(StoreException.class)
        .hasMessage("there is a store at " + store + " already; replace it explicitly");

    SqliteBackup.Restored replaced = SqliteBackup.restore(backup, store, true);
    Path previous = dir.resolve("data/fleetconf.db.before-restore");
    assertThat(replaced.previous()).contains(previous);
    try (JdbcStore old = JdbcStore.openSqlite(previous); JdbcStore now = JdbcStore.openSqlite(store)) {
      assertThat(old.revision()).isEqualTo(Revision.of(3));
      assertThat(now.revision()).isEqualTo(Revision.of(2));
    }
    assertThatThrownBy(() -> SqliteBackup.restore(backup, store, true)).isInstanceOf(StoreException.class)
        .hasMessage(previous + " exists, from an earlier restore; move it away first");
    try (var files = Files.list(store.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactly("fleetconf.db", "fleetconf.db.before-restore");
    }
  }

  @Test
  void aFileThatIsNoStoreIsNotRestoredAndTheStoreStays() throws Exception {
    Path store = dir.resolve("fleetconf.db");
    try (JdbcStore live = JdbcStore.openSqlite(store)) {
      commit(live, 0);
    }
    byte[] before = Files.readAllBytes(store);
    Path junk = Files.writeString(dir.resolve("junk.db"), "not a database at all, but long enough to look like one?");
    assertThatThrownBy(() -> SqliteBackup.restore(junk, store, true)).isInstanceOf(StoreException.class)
        .hasMessageStartingWith(junk + " is not a readable SQLite database: ");
    assertThat(Files.readAllBytes(store)).isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactly("fleetconf.db", "junk.db");
    }
  }

  @Test
  void aLiveDatabaseWithItsLogIsNotABackup() throws Exception {
    Path live = dir.resolve("live.db");
    try (JdbcStore store = JdbcStore.openSqlite(live)) {
      commit(store, 0);
      Path target = dir.resolve("data/fleetconf.db");
      assertThatThrownBy(() -> SqliteBackup.restore(live, target, false)).isInstanceOf(StoreException.class)
          .hasMessage(live + " has a write-ahead log beside it (live.db-wal): it is a live database, not a backup;"
              + " make one with fleetconf backup");
      assertThat(target.getParent()).doesNotExist();
    }
  }

  private static ChangeSet commit(Store store, int i) {
    return store.commit(new Proposal("alice", "n" + i, "api", List.of(
        Mutation.Put.of(Key.parse("global/a/x"), IntNode.valueOf(i)),
        Mutation.Put.of(Key.parse("global/b/n" + i), IntNode.valueOf(i)))));
  }
}
