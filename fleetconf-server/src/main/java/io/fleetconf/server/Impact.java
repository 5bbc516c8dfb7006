package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Origin;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.RevisionDiffs.Difference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a change set does to the fleet: each device whose effective config it changes, with the
 * per-leaf difference, computed from the live snapshot and the change set without making it; and
 * why the schemas would refuse it, if they would.
 */
public record Impact(ChangeSet changeSet, Optional<String> schemaRefusal, List<DeviceImpact> devices) {

  /** How a device is touched: registered by the change, unregistered, or its config changed. */
  public enum Kind { ADDED, REMOVED, CHANGED }

  /** One device's part: its config's leaves that differ, before and after. */
  public record DeviceImpact(DeviceId device, Kind kind, List<Difference> differences) {}

  /**
   * Devices with the same kind and differences, together: a global change to a fleet is one group,
   * not 10,000 copies of the same diff.
   */
  public record Group(Kind kind, List<DeviceId> devices, List<Difference> differences) {}

  /**
   * The impact of {@code changeSet} on {@code before}, {@code after} being
   * {@code before.after(changeSet)}. Leaves from secret entries are masked unless
   * {@code revealSecrets}; leaves from entries {@code readable} refuses are masked too.
   */
  public static Impact of(Snapshot before, Snapshot after, ChangeSet changeSet, Optional<String> schemaRefusal,
      boolean revealSecrets, Predicate<Key> readable) {
    Affected affected = Affected.by(changeSet, after);
    Set<DeviceId> touched = new TreeSet<>(affected.devices());
    touched.addAll(affected.removed());
    List<DeviceImpact> devices = new ArrayList<>();
    for (DeviceId id : touched) {
      Optional<EffectiveConfig> from = before.device(id).map(before::effective);
      Optional<EffectiveConfig> to = after.device(id).map(after::effective);
      List<Difference> differences = RevisionDiffs.compare(leaves(from), leaves(to));
      Kind kind = from.isEmpty() ? Kind.ADDED : to.isEmpty() ? Kind.REMOVED : Kind.CHANGED;
      if (kind != Kind.CHANGED || !differences.isEmpty()) {
        Set<String> hidden = new HashSet<>();
        from.ifPresent(c -> hidden.addAll(hiddenPaths(c, before, revealSecrets, readable)));
        to.ifPresent(c -> hidden.addAll(hiddenPaths(c, after, revealSecrets, readable)));
        devices.add(new DeviceImpact(id, kind, RevisionDiffs.mask(differences, hidden)));
      }
    }
    return new Impact(changeSet, schemaRefusal, devices);
  }

  /** The devices grouped by identical kind and differences, in the order of their first device. */
  public List<Group> groups() {
    Map<Map.Entry<Kind, List<Difference>>, List<DeviceId>> grouped = new LinkedHashMap<>();
    devices.forEach(d -> grouped.computeIfAbsent(Map.entry(d.kind(), d.differences()), k -> new ArrayList<>())
        .add(d.device()));
    return grouped.entrySet().stream()
        .map(e -> new Group(e.getKey().getKey(), List.copyOf(e.getValue()), e.getKey().getValue())).toList();
  }

  private static SortedMap<String, JsonNode> leaves(Optional<EffectiveConfig> config) {
    return config.map(EffectiveConfig::leaves).orElseGet(TreeMap::new);
  }

  private static List<String> hiddenPaths(EffectiveConfig config, Snapshot at, boolean revealSecrets,
      Predicate<Key> readable) {
    return config.provenance().entrySet().stream()
        .filter(e -> !readable.test(e.getValue().key()) || !revealSecrets && secret(at, e.getValue()))
        .map(Map.Entry::getKey).toList();
  }

  private static boolean secret(Snapshot at, Origin origin) {
    return at.entry(origin.key()).map(Entry::secret).orElse(false);
  }
}
