package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.Change.DeviceChange;
import io.fleetconf.core.Change.EntryChange;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Records a change set and applies it to the current-state tables, inside the caller's transaction. */
final class ChangeSetWriter {
  private static final String UPSERT_ENTRY =
      "INSERT INTO entries (key, value, create_revision, mod_revision, version, secret, flags, replaces)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
          + " create_revision = excluded.create_revision, mod_revision = excluded.mod_revision,"
          + " version = excluded.version, secret = excluded.secret, flags = excluded.flags,"
          + " replaces = excluded.replaces";
  private static final String UPSERT_DEVICE =
      "INSERT INTO devices (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc";

  private ChangeSetWriter() {}

  private static void bindEntry(PreparedStatement upsert, Codec codec, Entry entry) throws SQLException {
    upsert.setString(1, entry.key().toString());
    upsert.setString(2, codec.value(entry));
    upsert.setLong(3, entry.createRevision().value());
    upsert.setLong(4, entry.modRevision().value());
    upsert.setLong(5, entry.version());
    upsert.setInt(6, entry.secret() ? 1 : 0);
    upsert.setLong(7, entry.flags());
    upsert.setInt(8, entry.replace() ? 1 : 0);
  }

  /** Writes one change set: its history, then its changes to the current state (sealing history as needed). */
  static void write(Connection connection, Codec codec, ChangeSet changeSet) throws SQLException {
    writeHistory(connection, codec, List.of(changeSet));
    for (Change change : changeSet.changes()) {
      switch (change) {
        case EntryChange entry -> applyEntry(connection, codec, entry);
        case DeviceChange device -> applyDevice(connection, device);
      }
    }
  }

  /** Records change sets in the history tables: a batch for their rows, one for their changes. */
  static void writeHistory(Connection connection, Codec codec, List<ChangeSet> changeSets)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO change_sets (revision, author, time_ms, message, source, git_commit) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (ChangeSet changeSet : changeSets) {
        insert.setLong(1, changeSet.revision().value());
        insert.setString(2, changeSet.author());
        insert.setLong(3, changeSet.time().toEpochMilli());
        insert.setString(4, changeSet.message());
        insert.setString(5, changeSet.source());
        insert.setString(6, changeSet.commit().orElse(null));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO changes (revision, seq, kind, name, before, after) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (ChangeSet changeSet : changeSets) {
        int seq = 0;
        for (Change change : changeSet.changes()) {
          insert.setLong(1, changeSet.revision().value());
          insert.setInt(2, seq++);
          switch (change) {
            case EntryChange entry -> {
              insert.setString(3, "entry");
              insert.setString(5, entry.before().map(codec::entryState).orElse(null));
              insert.setString(6, entry.after().map(codec::entryState).orElse(null));
            }
            case DeviceChange device -> {
              insert.setString(3, "device");
              insert.setString(5, device.before().map(Codec::device).orElse(null));
              insert.setString(6, device.after().map(Codec::device).orElse(null));
            }
          }
          insert.setString(4, name(change));
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  /**
   * Brings the current-state tables to {@code entries} and {@code devices} (empty: deleted), a
   * batch of deletes and a batch of upserts each. No entry here may be newly secret: sealing the
   * history before it is {@link #write}'s.
   */
  static void writeCurrent(Connection connection, Codec codec, Map<Key, Optional<Entry>> entries,
      Map<DeviceId, Optional<Device>> devices) throws SQLException {
    writeRows(connection, entries, "DELETE FROM entries WHERE key = ?", UPSERT_ENTRY,
        (delete, key) -> delete.setString(1, key.toString()), (upsert, entry) -> bindEntry(upsert, codec, entry));
    writeRows(connection, devices, "DELETE FROM devices WHERE id = ?", UPSERT_DEVICE,
        (delete, id) -> delete.setString(1, id.value()), (upsert, device) -> {
          upsert.setString(1, device.id().value());
          upsert.setString(2, Codec.device(device));
        });
  }

  @FunctionalInterface
  private interface Binder<T> {
    void bind(PreparedStatement statement, T value) throws SQLException;
  }

  /** Deletes the rows whose name maps to empty and upserts the others: a batch of each, if any. */
  private static <K, V> void writeRows(Connection connection, Map<K, Optional<V>> rows, String deleteSql,
      String upsertSql, Binder<K> deleteBinder, Binder<V> upsertBinder) throws SQLException {
    List<K> deleted = rows.entrySet().stream().filter(row -> row.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    List<V> upserted = rows.values().stream().flatMap(Optional::stream).toList();
    batch(connection, deleteSql, deleted, deleteBinder);
    batch(connection, upsertSql, upserted, upsertBinder);
  }

  private static <T> void batch(Connection connection, String sql, List<T> values, Binder<T> binder)
      throws SQLException {
    if (values.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (T value : values) {
        binder.bind(statement, value);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** What the {@code name} column holds: the key of an entry change, the id of a device change. */
  private static String name(Change change) {
    return switch (change) {
      case EntryChange entry -> entry.key().toString();
      case DeviceChange device -> device.id().value();
    };
  }

  private static void applyEntry(Connection connection, Codec codec, EntryChange change) throws SQLException {
    if (change.after().isEmpty()) {
      delete(connection, "DELETE FROM entries WHERE key = ?", change.key().toString());
      return;
    }
    Entry entry = change.after().get();
    if (firstMarksSecret(change)) {
      sealHistory(connection, codec, entry.key());
    }
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_ENTRY)) {
      bindEntry(upsert, codec, entry);
      upsert.executeUpdate();
    }
  }

  /** True if {@code change} leaves its entry secret where it was not (or was absent): its history must be sealed. */
  static boolean firstMarksSecret(EntryChange change) {
    return change.after().map(Entry::secret).orElse(false) && !change.before().map(Entry::secret).orElse(false);
  }

  /**
   * An entry just marked secret: its earlier values, in every history row, are sealed too, so that
   * no plaintext of it is left in the database. The values themselves do not change.
   */
  private static void sealHistory(Connection connection, Codec codec, io.fleetconf.core.Key key) throws SQLException {
    record Row(long revision, int seq, String before, String after) {}
    java.util.List<Row> rows = Statements.query(connection,
        "SELECT revision, seq, before, after FROM changes WHERE kind = 'entry' AND name = ?", java.util.List.of(key.toString()),
        r -> new Row(r.getLong(1), r.getInt(2), r.getString(3), r.getString(4)));
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE changes SET before = ?, after = ? WHERE revision = ? AND seq = ?")) {
      for (Row row : rows) {
        update.setString(1, row.before() == null ? null : codec.sealedState(key, row.before()));
        update.setString(2, row.after() == null ? null : codec.sealedState(key, row.after()));
        update.setLong(3, row.revision());
        update.setInt(4, row.seq());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  private static void applyDevice(Connection connection, DeviceChange change) throws SQLException {
    if (change.after().isEmpty()) {
      delete(connection, "DELETE FROM devices WHERE id = ?", change.id().value());
      return;
    }
    Device device = change.after().get();
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_DEVICE)) {
      upsert.setString(1, device.id().value());
      upsert.setString(2, Codec.device(device));
      upsert.executeUpdate();
    }
  }

  private static void delete(Connection connection, String sql, String name) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, name);
      delete.executeUpdate();
    }
  }
}
