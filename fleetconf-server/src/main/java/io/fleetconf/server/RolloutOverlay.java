package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    List<Replacement> changes = replacements(mine);
    return EffectiveConfig.merge(scopes.stream()
        .map(scope -> layers.computeIfAbsent(List.of(scope, ids), k -> layer(snapshot, scope, changes))).toList());
  }

  /** The held changes of the rollouts released to the device, in the order they apply (none if not released). */
  List<Replacement> replacements(DeviceId device) {
    List<Active> mine = byDevice.get(device);
    return mine == null ? List.of() : replacements(mine);
  }

  /** The ids of the rollouts released to the device. */
  List<String> releasedIds(DeviceId device) {
    return byDevice.getOrDefault(device, List.of()).stream().map(a -> a.rollout().id()).toList();
  }

  private static List<Replacement> replacements(List<Active> mine) {
    List<Replacement> out = new ArrayList<>();
    for (Active one : mine) {
      one.rollout().changes().forEach(held -> out.add(new Replacement(held.key(), held.value(), one.revision())));
    }
    return out;
  }

  /** A value put in place of a stored entry's (empty: the entry taken away), and the revision it comes from. */
  record Replacement(Key key, Optional<JsonNode> value, Revision revision) {}

  /** The scope's layer with the replacements in that scope applied, in order. */
  static Layer layer(Snapshot snapshot, Scope scope, List<Replacement> replacements) {
    Map<KeyPath, Entry> entries = null;
    for (Replacement replacement : replacements) {
      if (!replacement.key().scope().equals(scope)) {
        continue;
      }
      if (entries == null) {
        LiveState.ScopeEntries stored = snapshot.scopes().get(scope);
        entries = stored == null ? new TreeMap<>() : new TreeMap<>(stored.entries());
      }
      Entry before = entries.get(replacement.key().path());
      Revision revision = replacement.revision();
      if (replacement.value().isPresent()) {
        JsonNode value = replacement.value().get();
        entries.put(replacement.key().path(), before == null
            ? new Entry(replacement.key(), value, revision, revision, 1)
            : new Entry(replacement.key(), value, before.createRevision(), revision, before.version() + 1,
                false, before.flags(), before.replace()));
      } else {
        entries.remove(replacement.key().path());
      }
    }
    return entries == null ? snapshot.layer(scope) : Layer.of(entries.values());
  }
}
