package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.Change.DeviceChange;
import io.fleetconf.core.Change.EntryChange;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies a proposal's mutations, in order, to a working copy of the rows they touch, read from
 * its {@link CommitGroup}; it writes nothing. Later mutations see earlier ones; the result is one
 * change per key or device, from its state before the change set to its state after, and the
 * settings it swapped.
 */
final class Transaction {
  private final CommitGroup rows;
  private final Revision revision;
  private final Map<String, String> settings = new java.util.LinkedHashMap<>();
  private final Map<Key, Optional<Entry>> entriesBefore = new TreeMap<>();
  private final Map<Key, Optional<Entry>> entriesAfter = new TreeMap<>();
  private final Map<DeviceId, Optional<Device>> devicesBefore = new TreeMap<>();
  private final Map<DeviceId, Optional<Device>> devicesAfter = new TreeMap<>();

  Transaction(CommitGroup rows, Revision revision) {
    this.rows = rows;
    this.revision = revision;
  }

  void apply(Mutation mutation) throws SQLException {
    switch (mutation) {
      case Mutation.Put put -> {
        Optional<Entry> current = entry(put.key());
        checkExpected(put.key(), current, put.expected());
        requireDeviceOf(put.key());
        Optional<Entry> original = entriesBefore.get(put.key());
        entriesAfter.put(put.key(), Optional.of(new Entry(
            put.key(),
            put.value(),
            original.map(Entry::createRevision).orElse(revision),
            revision,
            original.map(e -> e.version() + 1).orElse(1L),
            put.secret() || current.map(Entry::secret).orElse(false),
            put.flags().orElse(current.map(Entry::flags).orElse(0L)),
            put.replace().orElse(current.map(Entry::replace).orElse(false)))));
      }
      case Mutation.Delete delete -> {
        Optional<Entry> current = entry(delete.key());
        if (current.isEmpty()) {
          throw new NotFoundException("key '" + delete.key() + "' does not exist");
        }
        checkExpected(delete.key(), current, delete.expected());
        entriesAfter.put(delete.key(), Optional.empty());
      }
      case Mutation.DeleteTree tree -> deleteTree(tree.prefix());
      case Mutation.Check check -> checkExpected(check.key(), entry(check.key()), Optional.of(check.expected()));
      case Mutation.CreateDevice create -> {
        DeviceId id = create.device().id();
        if (device(id).isPresent()) {
          throw new ConflictException("device '" + id + "' already exists");
        }
        devicesAfter.put(id, Optional.of(create.device()));
      }
      case Mutation.UpdateDevice update -> {
        DeviceId id = update.device().id();
        if (device(id).isEmpty()) {
          throw new NotFoundException("device '" + id + "' is not registered");
        }
        devicesAfter.put(id, Optional.of(update.device()));
      }
      case Mutation.DeleteDevice delete -> {
        if (device(delete.id()).isEmpty()) {
          throw new NotFoundException("device '" + delete.id() + "' is not registered");
        }
        deleteTree(new Key(new Scope.Device(delete.id()), io.fleetconf.core.KeyPath.ROOT));
        devicesAfter.put(delete.id(), Optional.empty());
      }
      case Mutation.SwapSetting swap -> swapSetting(swap);
    }
  }

  /** Written with the change set, if it is accepted (even if it changes nothing else). */
  private void swapSetting(Mutation.SwapSetting swap) throws SQLException {
    Optional<String> current = settings.containsKey(swap.name()) ? Optional.of(settings.get(swap.name()))
        : rows.setting(swap.name());
    if (!current.equals(swap.expected())) {
      throw new ConflictException("setting '" + swap.name() + "' was moved by another writer");
    }
    settings.put(swap.name(), swap.value());
  }

  /** The settings this proposal swapped, by name, to their new values. */
  Map<String, String> settings() {
    return settings;
  }

  /** The changes, entries in key order then devices in id order, leaving out what ended as it began. */
  List<Change> changes() {
    List<Change> changes = new ArrayList<>();
    entriesAfter.forEach((key, after) -> {
      Optional<Entry> before = entriesBefore.get(key);
      if (!before.equals(after)) {
        changes.add(new EntryChange(key, before, after));
      }
    });
    devicesAfter.forEach((id, after) -> {
      Optional<Device> before = devicesBefore.get(id);
      if (!before.equals(after)) {
        changes.add(new DeviceChange(id, before, after));
      }
    });
    return changes;
  }

  private void checkExpected(Key key, Optional<Entry> current, Optional<Revision> expected) {
    if (expected.isEmpty()) {
      return;
    }
    Revision want = expected.get();
    Revision actual = current.map(Entry::modRevision).orElse(Revision.ZERO);
    if (!want.equals(actual)) {
      throw new ConflictException(want.equals(Revision.ZERO)
          ? "key '" + key + "' already exists (modified at revision " + actual + ")"
          : current.isEmpty()
              ? "key '" + key + "' does not exist; expected it at revision " + want
              : "key '" + key + "' was modified at revision " + actual + ", expected " + want);
    }
  }

  private void requireDeviceOf(Key key) throws SQLException {
    if (key.scope() instanceof Scope.Device(DeviceId id) && device(id).isEmpty()) {
      throw new NotFoundException("device '" + id + "' is not registered; add it before writing to its scope");
    }
  }

  private void deleteTree(Key prefix) throws SQLException {
    for (Entry entry : rows.entriesUnder(prefix)) {
      entriesBefore.putIfAbsent(entry.key(), Optional.of(entry));
      entriesAfter.putIfAbsent(entry.key(), Optional.of(entry));
    }
    entriesAfter.replaceAll((key, entry) -> key.isUnder(prefix) ? Optional.empty() : entry);
  }

  private Optional<Entry> entry(Key key) throws SQLException {
    if (!entriesAfter.containsKey(key)) {
      Optional<Entry> stored = rows.entry(key);
      entriesBefore.put(key, stored);
      entriesAfter.put(key, stored);
    }
    return entriesAfter.get(key);
  }

  private Optional<Device> device(DeviceId id) throws SQLException {
    if (!devicesAfter.containsKey(id)) {
      Optional<Device> stored = rows.device(id);
      devicesBefore.put(id, stored);
      devicesAfter.put(id, stored);
    }
    return devicesAfter.get(id);
  }
}
