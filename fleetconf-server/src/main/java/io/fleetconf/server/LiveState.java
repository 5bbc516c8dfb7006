package io.fleetconf.server;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current config tree in memory, as one immutable {@link Snapshot} swapped atomically per change
 * set: readers never see half a change set, and never wait for a writer.
 */
public final class LiveState {

  /** One scope's entries and the layer built from them. */
  /**
   * One scope's entries, and its layer, built when first asked for: a commit to a scope no device
   * reads (a plain key, a group without members) then costs no layer at all, and a burst of
   * commits builds the layer once, for the snapshot that is read.
   */
  public static final class ScopeEntries {
    private final SortedMap<KeyPath, Entry> entries;
    private volatile Layer layer;

    private ScopeEntries(SortedMap<KeyPath, Entry> entries) {
      this.entries = entries;
    }

    static ScopeEntries of(SortedMap<KeyPath, Entry> entries) {
      return new ScopeEntries(entries);
    }

    public SortedMap<KeyPath, Entry> entries() {
      return entries;
    }

    public Layer layer() {
      Layer built = layer;
      if (built == null) {
        // Racing readers may both build it; the layers are equal and either one is kept.
        built = Layer.of(entries.values());
        layer = built;
      }
      return built;
    }
  }

  /**
   * The members of each group, indexed when first asked for, and kept by every snapshot that has
   * the same devices: a group change then costs its members, not a scan of the fleet.
   */
  public static final class Members {
    private final Map<DeviceId, Device> devices;
    private volatile Map<io.fleetconf.core.GroupName, List<DeviceId>> byGroup;

    Members(Map<DeviceId, Device> devices) {
      this.devices = devices;
    }

    public List<DeviceId> of(io.fleetconf.core.GroupName group) {
      Map<io.fleetconf.core.GroupName, List<DeviceId>> index = byGroup;
      if (index == null) {
        Map<io.fleetconf.core.GroupName, List<DeviceId>> built = new HashMap<>();
        devices.values().forEach(device -> device.groups().forEach(
            g -> built.computeIfAbsent(g, key -> new java.util.ArrayList<>()).add(device.id())));
        index = Map.copyOf(built);
        byGroup = index; // racing readers build equal indexes; either is kept
      }
      return index.getOrDefault(group, List.of());
    }
  }

  /** Everything as of one revision. */
  public record Snapshot(Revision revision, Map<Scope, ScopeEntries> scopes, Map<DeviceId, Device> devices,
      Members members) {
    public Snapshot(Revision revision, Map<Scope, ScopeEntries> scopes, Map<DeviceId, Device> devices) {
      this(revision, scopes, devices, new Members(devices));
    }

    public Layer layer(Scope scope) {
      ScopeEntries entries = scopes.get(scope);
      return entries == null ? Layer.EMPTY : entries.layer();
    }

    public Optional<Device> device(DeviceId id) {
      return Optional.ofNullable(devices.get(id));
    }

    public EffectiveConfig effective(Device device) {
      return EffectiveConfig.merge(device.scopes().stream().map(this::layer).toList());
    }

    public Optional<Entry> entry(Key key) {
      ScopeEntries entries = scopes.get(key.scope());
      return entries == null ? Optional.empty() : Optional.ofNullable(entries.entries().get(key.path()));
    }

    /** Every entry, in key order. */
    public List<Entry> allEntries() {
      return scopes.values().stream().flatMap(s -> s.entries().values().stream())
          .sorted(java.util.Comparator.comparing(Entry::key)).toList();
    }

    /** Entries at or below {@code prefix}, in key order. */
    public List<Entry> entriesUnder(Key prefix) {
      ScopeEntries entries = scopes.get(prefix.scope());
      if (entries == null) {
        return List.of();
      }
      return entries.entries().values().stream().filter(e -> e.key().isUnder(prefix)).toList();
    }
  }

  private final ReentrantLock writer = new ReentrantLock();
  private volatile Snapshot current;

  LiveState(Revision revision, Collection<Entry> entries, Collection<Device> devices) {
    Map<Scope, SortedMap<KeyPath, Entry>> byScope = new HashMap<>();
    entries.forEach(e -> byScope.computeIfAbsent(e.key().scope(), s -> new TreeMap<>()).put(e.key().path(), e));
    Map<Scope, ScopeEntries> scopes = new HashMap<>();
    byScope.forEach((scope, scoped) -> scopes.put(scope, ScopeEntries.of(scoped)));
    Map<DeviceId, Device> deviceMap = new HashMap<>();
    devices.forEach(d -> deviceMap.put(d.id(), d));
    this.current = new Snapshot(revision, Map.copyOf(scopes), Map.copyOf(deviceMap));
  }

  Snapshot snapshot() {
    return current;
  }

  private static <K, V> Map<K, V> frozen(Map<K, V> copy) {
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** Applies a committed change set; change sets at or below the current revision are ignored. */
  void apply(ChangeSet changeSet) {
    writer.lock();
    try {
      Snapshot before = current;
      if (!changeSet.revision().isAfter(before.revision())) {
        return;
      }
      Map<Scope, SortedMap<KeyPath, Entry>> touched = new HashMap<>();
      // Copied only when the change set registers, changes or removes a device.
      Map<DeviceId, Device> devices = changeSet.changes().stream().anyMatch(Change.DeviceChange.class::isInstance)
          ? new HashMap<>(before.devices()) : before.devices();
      for (Change change : changeSet.changes()) {
        switch (change) {
          case Change.EntryChange entry -> {
            SortedMap<KeyPath, Entry> scoped = touched.computeIfAbsent(entry.key().scope(), scope -> {
              ScopeEntries old = before.scopes().get(scope);
              return old == null ? new TreeMap<>() : new TreeMap<>(old.entries());
            });
            entry.after().ifPresentOrElse(
                after -> scoped.put(entry.key().path(), after), () -> scoped.remove(entry.key().path()));
          }
          case Change.DeviceChange device -> device.after().ifPresentOrElse(
              after -> devices.put(device.id(), after), () -> devices.remove(device.id()));
        }
      }
      Map<Scope, ScopeEntries> scopes = new HashMap<>(before.scopes());
      touched.forEach((scope, scoped) -> {
        if (scoped.isEmpty()) {
          scopes.remove(scope);
        } else {
          scopes.put(scope, ScopeEntries.of(scoped));
        }
      });
      // The maps were copied above and are not touched again: wrapping them is enough. (Map.copyOf
      // would copy each once more, probing every key with equals: with 10,000 devices that made
      // registering a device cost more than committing it.)
      current = devices == before.devices()
          ? new Snapshot(changeSet.revision(), frozen(scopes), devices, before.members())
          : new Snapshot(changeSet.revision(), frozen(scopes), frozen(devices));
    } finally {
      writer.unlock();
    }
  }
}
