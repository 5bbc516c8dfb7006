package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows a group commit plans against, and what it writes at the end. Inside the transaction
 * that holds the commit lock, the database does not change under the group, so a row read once is
 * known for the rest of it; the change sets the group accepts are applied here as they are planned,
 * so each proposal sees the ones before it, and nothing is written until the group is done. A
 * refused proposal then needs no savepoint: it never wrote anything. The writes are a handful of
 * batched statements for the whole group, one round trip each to PostgreSQL, however many change
 * sets it holds.
 */
final class CommitGroup {
  /** Keys or ids per {@code IN (...)} query: well under any driver's or SQLite's parameter limit. */
  private static final int IN_CHUNK = 500;

  private final Connection connection;
  private final Codec codec;
  /** Every entry the group knows, as the group has left it (empty: absent). */
  private final Map<Key, Optional<Entry>> entries = new TreeMap<>();
  private final Map<DeviceId, Optional<Device>> devices = new TreeMap<>();
  private final Map<String, Optional<String>> settings = new HashMap<>();
  private final List<ChangeSet> accepted = new ArrayList<>();
  /** What the accepted change sets leave of the rows they touch, to be written (empty: deleted). */
  private final Map<Key, Optional<Entry>> entriesWritten = new TreeMap<>();
  private final Map<DeviceId, Optional<Device>> devicesWritten = new TreeMap<>();
  private final Map<String, String> settingsWritten = new LinkedHashMap<>();

  CommitGroup(Connection connection, Codec codec) {
    this.connection = connection;
    this.codec = codec;
  }

  /** Reads, in a query or two, the entries and devices {@code proposals} name one by one; first thing, on a new group. */
  void preload(List<Proposal> proposals) throws SQLException {
    Set<Key> keys = new LinkedHashSet<>();
    Set<DeviceId> ids = new LinkedHashSet<>();
    for (Proposal proposal : proposals) {
      for (Mutation mutation : proposal.mutations()) {
        switch (mutation) {
          case Mutation.Put put -> {
            keys.add(put.key());
            if (put.key().scope() instanceof Scope.Device(DeviceId id)) {
              ids.add(id);
            }
          }
          case Mutation.Delete delete -> keys.add(delete.key());
          case Mutation.Check check -> keys.add(check.key());
          case Mutation.CreateDevice create -> ids.add(create.device().id());
          case Mutation.UpdateDevice update -> ids.add(update.device().id());
          case Mutation.DeleteDevice delete -> ids.add(delete.id());
          case Mutation.DeleteTree tree -> { } // a range: read when planned
          case Mutation.SwapSetting swap -> { }
        }
      }
    }
    for (List<Key> chunk : chunks(keys)) {
      chunk.forEach(key -> entries.put(key, Optional.empty()));
      Statements.query(connection, "SELECT " + EntryTable.COLUMNS + " FROM entries WHERE key IN (" + marks(chunk.size())
          + ")", chunk.stream().<Object>map(Key::toString).toList(), rows -> EntryTable.entry(rows, codec))
          .forEach(entry -> entries.put(entry.key(), Optional.of(entry)));
    }
    for (List<DeviceId> chunk : chunks(ids)) {
      chunk.forEach(id -> devices.put(id, Optional.empty()));
      Statements.query(connection, "SELECT id, doc FROM devices WHERE id IN (" + marks(chunk.size()) + ")",
          chunk.stream().<Object>map(DeviceId::value).toList(),
          rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2)))
          .forEach(device -> devices.put(device.id(), Optional.of(device)));
    }
  }

  Optional<Entry> entry(Key key) throws SQLException {
    Optional<Entry> known = entries.get(key);
    if (known == null) {
      known = Statements.query(connection, "SELECT " + EntryTable.COLUMNS + " FROM entries WHERE key = ?",
          List.of(key.toString()), rows -> EntryTable.entry(rows, codec)).stream().findFirst();
      entries.put(key, known);
    }
    return known;
  }

  Optional<Device> device(DeviceId id) throws SQLException {
    Optional<Device> known = devices.get(id);
    if (known == null) {
      known = Statements.query(connection, "SELECT doc FROM devices WHERE id = ?", List.of(id.value()),
          rows -> Codec.device(id, rows.getString(1))).stream().findFirst();
      devices.put(id, known);
    }
    return known;
  }

  /** The entries at or below {@code prefix}: the database's, as the group has left them. */
  List<Entry> entriesUnder(Key prefix) throws SQLException {
    String name = prefix.toString();
    List<Entry> stored = Statements.query(connection, "SELECT " + EntryTable.COLUMNS + " FROM entries"
            + " WHERE key = ? OR (key >= ? AND key < ?)", // '0' follows '/': the range holds exactly the keys below
        List.of(name, name + "/", name + "0"), rows -> EntryTable.entry(rows, codec));
    for (Entry entry : stored) {
      entries.putIfAbsent(entry.key(), Optional.of(entry));
    }
    List<Entry> under = new ArrayList<>();
    entries.forEach((key, entry) -> {
      if (key.isUnder(prefix)) {
        entry.ifPresent(under::add);
      }
    });
    return under;
  }

  Optional<String> setting(String name) throws SQLException {
    Optional<String> known = settings.get(name);
    if (known == null) {
      known = Statements.query(connection, "SELECT value FROM settings WHERE name = ?", List.of(name),
          rows -> rows.getString(1)).stream().findFirst();
      settings.put(name, known);
    }
    return known;
  }

  /** Takes a planned change set (and the settings its proposal swapped) into the group, to be written with it. */
  void accept(ChangeSet changeSet, Map<String, String> swappedSettings) {
    for (Change change : changeSet.changes()) {
      switch (change) {
        case Change.EntryChange entry -> {
          entries.put(entry.key(), entry.after());
          entriesWritten.put(entry.key(), entry.after());
        }
        case Change.DeviceChange device -> {
          devices.put(device.id(), device.after());
          devicesWritten.put(device.id(), device.after());
        }
      }
    }
    swappedSettings.forEach((name, value) -> settings.put(name, Optional.of(value)));
    settingsWritten.putAll(swappedSettings);
    if (!changeSet.changes().isEmpty()) {
      accepted.add(changeSet);
    }
  }

  /** The change sets accepted so far, in revision order. */
  List<ChangeSet> accepted() {
    return accepted;
  }

  /**
   * Writes every accepted change set to history and the current state to the entry, device and
   * settings tables, and announces the last revision to the other servers (in one statement on
   * PostgreSQL). A group in which an entry is first marked secret is written change set by change
   * set, since sealing rewrites the history rows before it.
   */
  void write(Dialect dialect) throws SQLException {
    if (accepted.stream().flatMap(changeSet -> changeSet.changes().stream())
        .anyMatch(change -> change instanceof Change.EntryChange entry && ChangeSetWriter.firstMarksSecret(entry))) {
      for (ChangeSet changeSet : accepted) {
        ChangeSetWriter.write(connection, codec, changeSet);
      }
      dialect.announce(connection, Long.toString(accepted.getLast().revision().value()));
    } else if (!accepted.isEmpty()) {
      dialect.writeGroup(connection, codec, accepted, entriesWritten, devicesWritten,
          Long.toString(accepted.getLast().revision().value()));
    }
    if (!settingsWritten.isEmpty()) {
      try (PreparedStatement put = connection.prepareStatement(JdbcStore.PUT_SETTING)) {
        for (Map.Entry<String, String> setting : settingsWritten.entrySet()) {
          put.setString(1, setting.getKey());
          put.setString(2, setting.getValue());
          put.addBatch();
        }
        put.executeBatch();
      }
    }
  }

  private static <T> List<List<T>> chunks(Collection<T> names) {
    List<T> all = List.copyOf(names);
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += IN_CHUNK) {
      chunks.add(all.subList(from, Math.min(all.size(), from + IN_CHUNK)));
    }
    return chunks;
  }

  private static String marks(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }
}
