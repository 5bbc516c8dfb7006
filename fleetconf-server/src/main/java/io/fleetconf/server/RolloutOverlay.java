package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active rollouts of one snapshot, and what they do to resolution: a device of a released wave
 * merges the layers with the rollout's held changes in place; every other device merges the stored
 * entries. Built once per snapshot, when first asked for; devices released by the same rollouts and
 * without entries of their own share one merge, as without rollouts.
 */
final class RolloutOverlay {
  static final RolloutOverlay NONE = new RolloutOverlay(List.of());

  /** An active rollout and the revision of its entry (the provenance of the values it releases). */
  record Active(Rollout rollout, Revision revision) {}

  private final List<Active> active;
  private final Map<DeviceId, List<Active>> byDevice = new HashMap<>();
  private final Map<List<Object>, EffectiveConfig> merges = new ConcurrentHashMap<>();
  /** Layers with held changes in place, by scope and rollouts: built once, not once per merge. */
  private final Map<List<Object>, Layer> layers = new ConcurrentHashMap<>();

  private RolloutOverlay(List<Active> active) {
    this.active = List.copyOf(active);
    for (Active one : active) {
      one.rollout().releasedDevices().forEach(id -> byDevice.computeIfAbsent(id, k -> new ArrayList<>()).add(one));
    }
  }

  /** The active rollouts held in {@code snapshot}'s entries. */
  static RolloutOverlay of(Snapshot snapshot) {
    List<Active> active = new ArrayList<>();
    for (Entry entry : snapshot.entriesUnder(Rollout.PREFIX)) {
      Rollout.of(entry).filter(r -> r.state().active()).ifPresent(r -> active.add(new Active(r, entry.modRevision())));
    }
    return active.isEmpty() ? NONE : new RolloutOverlay(active);
  }

  List<Active> active() {
    return active;
  }

  /** True if some active rollout has released its changes to the device. */
  boolean releasedTo(DeviceId id) {
    return byDevice.containsKey(id);
  }

  /** The device's config with the held changes of the rollouts released to it; call only when {@link #releasedTo}. */
  EffectiveConfig effective(Snapshot snapshot, io.fleetconf.core.Device device) {
    List<Active> mine = byDevice.get(device.id());
    List<Scope> scopes = device.scopes();
    if (snapshot.ownsEntries(device.id())) {
      return merge(snapshot, scopes, mine);
    }
    List<Object> key = List.of(scopes.subList(0, scopes.size() - 1), mine.stream().map(a -> a.rollout().id()).toList());
    return merges.computeIfAbsent(key, k -> merge(snapshot, scopes.subList(0, scopes.size() - 1), mine));
  }

  private EffectiveConfig merge(Snapshot snapshot, List<Scope> scopes, List<Active> mine) {
    List<String> ids = mine.stream().map(a -> a.rollout().id()).toList();
    return EffectiveConfig.merge(scopes.stream()
        .map(scope -> layers.computeIfAbsent(List.of(scope, ids), k -> layer(snapshot, scope, mine))).toList());
  }

  /** The scope's layer with the held changes in that scope applied. */
  private static Layer layer(Snapshot snapshot, Scope scope, List<Active> mine) {
    Map<KeyPath, Entry> entries = null;
    for (Active one : mine) {
      for (Rollout.Held held : one.rollout().changes()) {
        if (!held.key().scope().equals(scope)) {
          continue;
        }
        if (entries == null) {
          LiveState.ScopeEntries stored = snapshot.scopes().get(scope);
          entries = stored == null ? new TreeMap<>() : new TreeMap<>(stored.entries());
        }
        Entry before = entries.get(held.key().path());
        if (held.value().isPresent()) {
          entries.put(held.key().path(), before == null
              ? new Entry(held.key(), held.value().get(), one.revision(), one.revision(), 1)
              : new Entry(held.key(), held.value().get(), before.createRevision(), one.revision(), before.version() + 1,
                  false, before.flags()));
        } else {
          entries.remove(held.key().path());
        }
      }
    }
    return entries == null ? snapshot.layer(scope) : Layer.of(entries.values());
  }
}
