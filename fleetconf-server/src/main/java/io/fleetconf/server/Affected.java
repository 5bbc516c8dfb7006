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
            case Scope.Plain p -> { } // not a layer: no device's config holds it
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
