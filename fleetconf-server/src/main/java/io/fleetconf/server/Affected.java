package io.fleetconf.server;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The devices whose effective config a change set may have changed, found from the scopes it
 * touched: a device scope names one device, a group its members, defaults or global every device
 * ({@code everyone}: {@code devices} is then every device of the snapshot).
 */
record Affected(Set<DeviceId> devices, Set<DeviceId> removed, boolean everyone) {

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

  /**
   * The scope whose devices a change to a hold key may concern: a requirement's key's scope, or the
   * device a version report is of; empty for other plain keys.
   */
  private static Optional<Scope> holdScope(Key key) {
    try {
      if (key.isUnder(Holds.VERSIONS) && key.path().depth() > Holds.VERSIONS.path().depth()) {
        return Optional.of(new Scope.Device(DeviceId.of(key.path().relativeTo(Holds.VERSIONS.path()).toString())));
      }
      if (key.isUnder(Holds.REQUIRES) && key.path().depth() > Holds.REQUIRES.path().depth()) {
        return Optional.of(Key.parse(key.path().relativeTo(Holds.REQUIRES.path()).toString()).scope());
      }
    } catch (io.fleetconf.core.InvalidInputException e) {
      // an entry written there by hand that names no device or key: it holds nothing
    }
    return Optional.empty();
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
            case Scope.Plain p -> {
              // not a layer, but a rollout moves devices, and a requirement or a version report holds them
              devices.addAll(releaseChanged(entry));
              Optional<Scope> held = holdScope(entry.key());
              if (held.isPresent()) {
                switch (held.get()) {
                  case Scope.Group g -> groups.add(g.group());
                  case Scope.Device d -> devices.add(d.device());
                  default -> everyone = true;
                }
              }
            }
          }
        }
      }
    }
    if (everyone) {
      return new Affected(new HashSet<>(after.devices().keySet()), removed, true); // none removed is still there
    }
    groups.forEach(group -> devices.addAll(after.members().of(group)));
    devices.removeAll(removed);
    devices.retainAll(after.devices().keySet());
    return new Affected(devices, removed, false);
  }
}
