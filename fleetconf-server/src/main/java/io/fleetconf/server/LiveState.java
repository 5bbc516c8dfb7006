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
import java.util.concurrent.locks.ReentrantLock;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.TreePMap;

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
    private final TreePMap<KeyPath, Entry> entries;
    private volatile Layer layer;

    private ScopeEntries(TreePMap<KeyPath, Entry> entries) {
      this.entries = entries;
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

  /**
   * The effective configs a snapshot has merged, by group list: every device without entries of
   * its own shares the one of its group list, so a fleet of 10,000 boxes in a few dozen group
   * combinations costs a few dozen merges per revision, whoever asks (the watch fan-out, each
   * device's read).
   */
  static final class Merges {
    /** By the device's group list itself: no list of layers made and hashed per device and per read. */
    private final java.util.concurrent.ConcurrentHashMap<List<io.fleetconf.core.GroupName>, EffectiveConfig> byGroups =
        new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RolloutOverlay rollouts;
    private volatile Holds holds;
  }

  /** Everything as of one revision. */
  public record Snapshot(Revision revision, Map<Scope, ScopeEntries> scopes, Map<DeviceId, Device> devices,
      Members members, Merges merges) {
    public Snapshot(Revision revision, Map<Scope, ScopeEntries> scopes, Map<DeviceId, Device> devices) {
      this(revision, scopes, devices, new Members(devices));
    }

    Snapshot(Revision revision, Map<Scope, ScopeEntries> scopes, Map<DeviceId, Device> devices, Members members) {
      this(revision, scopes, devices, members, new Merges());
    }

    public Layer layer(Scope scope) {
      ScopeEntries entries = scopes.get(scope);
      return entries == null ? Layer.EMPTY : entries.layer();
    }

    public Optional<Device> device(DeviceId id) {
      return Optional.ofNullable(devices.get(id));
    }

    /**
     * The device's effective config. Shared with every device of the same group list when neither
     * has entries of its own (the result is immutable: callers mask or narrow it into new ones).
     */
    public EffectiveConfig effective(Device device) {
      RolloutOverlay overlay = rollouts();
      List<Holds.Held> held = holds().of(device);
      if (!held.isEmpty()) {
        return holds().effective(this, device, held, overlay);
      }
      if (overlay.releasedTo(device.id())) {
        return overlay.effective(this, device);
      }
      if (ownsEntries(device.id())) {
        return merge(device.scopes());
      }
      return merges.byGroups.computeIfAbsent(device.groups(), groups -> {
        List<Scope> scopes = device.scopes();
        return merge(scopes.subList(0, scopes.size() - 1)); // all but the device's own, which holds nothing
      });
    }

    /** The active rollouts of this snapshot, read from their entries when first asked for. */
    RolloutOverlay rollouts() {
      RolloutOverlay overlay = merges.rollouts;
      if (overlay == null) {
        overlay = RolloutOverlay.of(this); // racing readers build equal overlays; either is kept
        merges.rollouts = overlay;
      }
      return overlay;
    }

    /** The values that need a software version, and who is held back from them, read when first asked for. */
    Holds holds() {
      Holds holds = merges.holds;
      if (holds == null) {
        holds = Holds.of(this); // racing readers build equal ones; either is kept
        merges.holds = holds;
      }
      return holds;
    }

    /** The requirements the device does not meet, each once, as {@code tv_scheduler >= 2.3}. */
    public List<String> heldFor(Device device) {
      return holds().of(device).stream().map(h -> h.needs().toString()).distinct().toList();
    }

    /** Whether the device has entries of its own, so that its config is its alone. */
    public boolean ownsEntries(DeviceId id) {
      return scopes.containsKey(new Scope.Device(id));
    }

    private EffectiveConfig merge(List<Scope> layers) {
      return EffectiveConfig.merge(layers.stream().map(this::layer).toList());
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
      KeyPath path = prefix.path();
      if (path.isRoot()) {
        return List.copyOf(entries.entries().values());
      }
      // Paths sort as their text: everything under a/b lies from "a/b" up to "a/b0" ('0' follows '/').
      List<String> segments = new java.util.ArrayList<>(path.segments());
      segments.set(segments.size() - 1, segments.getLast() + "0");
      return entries.entries().subMap(path, new KeyPath(segments)).values().stream()
          .filter(e -> e.key().isUnder(prefix)).toList();
    }

    /**
     * This snapshot with {@code changeSet} applied: the next live state, or what a change would
     * give before it is made. Persistent maps: the new snapshot shares all but the changed paths
     * with this one (O(log n) per change), so it costs no copy of the fleet or of a scope.
     */
    public Snapshot after(ChangeSet changeSet) {
      PMap<Scope, ScopeEntries> base = persistent(scopes);
      PMap<DeviceId, Device> registered = persistent(devices);
      Map<Scope, TreePMap<KeyPath, Entry>> touched = new HashMap<>();
      for (Change change : changeSet.changes()) {
        switch (change) {
          case Change.EntryChange entry -> {
            TreePMap<KeyPath, Entry> before = touched.computeIfAbsent(entry.key().scope(), scope -> {
              ScopeEntries old = base.get(scope);
              return old == null ? TreePMap.empty() : old.entries;
            });
            KeyPath path = entry.key().path();
            touched.put(entry.key().scope(), entry.after().map(value -> before.plus(path, value))
                .orElseGet(() -> before.minus(path)));
          }
          case Change.DeviceChange device -> registered = device.after().isPresent()
              ? registered.plus(device.id(), device.after().get()) : registered.minus(device.id());
        }
      }
      PMap<Scope, ScopeEntries> scoped = base;
      for (var scope : touched.entrySet()) {
        scoped = scope.getValue().isEmpty() ? scoped.minus(scope.getKey())
            : scoped.plus(scope.getKey(), new ScopeEntries(scope.getValue()));
      }
      // The group index stays valid as long as the devices do.
      return registered == devices ? new Snapshot(changeSet.revision(), scoped, registered, members)
          : new Snapshot(changeSet.revision(), scoped, registered);
    }

    private static <K, V> PMap<K, V> persistent(Map<K, V> map) {
      return map instanceof PMap<K, V> pmap ? pmap : HashTreePMap.from(map);
    }
  }

  private final ReentrantLock writer = new ReentrantLock();
  private volatile Snapshot current;

  LiveState(Revision revision, Collection<Entry> entries, Collection<Device> devices) {
    Map<Scope, TreePMap<KeyPath, Entry>> byScope = new HashMap<>();
    entries.forEach(e -> byScope.merge(e.key().scope(), TreePMap.singleton(e.key().path(), e), TreePMap::plusAll));
    PMap<Scope, ScopeEntries> scoped = HashTreePMap.empty();
    for (var scope : byScope.entrySet()) {
      scoped = scoped.plus(scope.getKey(), new ScopeEntries(scope.getValue()));
    }
    PMap<DeviceId, Device> registered = HashTreePMap.empty();
    for (Device device : devices) {
      registered = registered.plus(device.id(), device);
    }
    this.current = new Snapshot(revision, scoped, registered);
  }

  Snapshot snapshot() {
    return current;
  }

  /** Applies a committed change set; change sets at or below the current revision are ignored. */
  void apply(ChangeSet changeSet) {
    apply(changeSet, Optional.empty());
  }

  /**
   * As {@link #apply(ChangeSet)}; {@code made}, when given, is {@code current.after(changeSet)} made already (by the commit's
   * screen), whose merges are then kept rather than made again.
   */
  void apply(ChangeSet changeSet, Optional<Snapshot> made) {
    writer.lock();
    try {
      if (changeSet.revision().isAfter(current.revision())) {
        current = made.filter(next -> next.revision().equals(changeSet.revision())
            && current.revision().next().equals(changeSet.revision())).orElseGet(() -> current.after(changeSet));
      }
    } finally {
      writer.unlock();
    }
  }
}
