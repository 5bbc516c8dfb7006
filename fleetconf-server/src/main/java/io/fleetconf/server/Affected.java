package io.fleetconf.server;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.HashSet;
import java.util.Set;

/**
 * The devices whose effective config a change set may have changed, found from the scopes it
 * touched: a device scope names one device, a group its members, defaults or global every device.
 */
record Affected(Set<DeviceId> devices, Set<DeviceId> removed) {

  /** The devices a change to a rollout's entry releases or takes back (none for other plain keys). */
  private static Set<DeviceId> releaseChanged(Change.EntryChange entry) {
    if (!entry.key().isUnder(Rollout.PREFIX)) {
      return Set.of();
    }
    Set<DeviceId> before = entry.before().flatMap(Rollout::of).map(Rollout::releasedDevices).orElse(Set.of());
    Set<DeviceId> after = entry.after().flatMap(Rollout::of).map(Rollout::releasedDevices).orElse(Set.of());
    Set<DeviceId> moved = new HashSet<>(before);
    moved.addAll(after);
    if (entry.before().flatMap(Rollout::of).map(r -> r.state().active()).orElse(false)
        == entry.after().flatMap(Rollout::of).map(r -> r.state().active()).orElse(false)) {
      Set<DeviceId> both = new HashSet<>(before);
      both.retainAll(after);
      moved.removeAll(both); // still released, with the same changes: their config is as it was
    }
    return moved;
  }

  static Affected by(ChangeSet changeSet, Snapshot after) {
    Set<DeviceId> devices = new HashSet<>();
    Set<DeviceId> removed = new HashSet<>();
    Set<GroupName> groups = new HashSet<>();
    boolean everyone = false;
    for (Change change : changeSet.changes()) {
      switch (change) {
        case Change.DeviceChange device -> {
          if (device.after().isPresent()) {
            devices.add(device.id());
          } else {
            removed.add(device.id());
          }
        }
        case Change.EntryChange entry -> {
          switch (entry.key().scope()) {
            case Scope.Defaults d -> everyone = true;
            case Scope.Global g -> everyone = true;
            case Scope.Group g -> groups.add(g.group());
            case Scope.Device d -> devices.add(d.device());
            case Scope.Plain p -> devices.addAll(releaseChanged(entry)); // not a layer, but a rollout moves devices
          }
        }
      }
    }
    if (everyone) {
      devices.addAll(after.devices().keySet());
    } else {
      groups.forEach(group -> devices.addAll(after.members().of(group)));
    }
    devices.removeAll(removed);
    devices.retainAll(after.devices().keySet());
    return new Affected(devices, removed);
  }
}
