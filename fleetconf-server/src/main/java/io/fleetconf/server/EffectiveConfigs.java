package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Effective configs of many devices at once. Devices without entries of their own share the
 * config of their group list, so a global change to a fleet of 10,000 boxes in a few dozen
 * group combinations costs a few dozen merges, not 10,000.
 */
final class EffectiveConfigs {
  private EffectiveConfigs() {}

  static Map<DeviceId, JsonNode> compute(Snapshot snapshot, Collection<DeviceId> ids) {
    Map<List<GroupName>, JsonNode> shared = new HashMap<>();
    Map<DeviceId, JsonNode> out = new HashMap<>(ids.size() * 2);
    for (DeviceId id : ids) {
      Device device = snapshot.devices().get(id);
      if (device == null) {
        continue;
      }
      boolean ownEntries = snapshot.scopes().containsKey(new Scope.Device(id));
      out.put(id, ownEntries
          ? snapshot.effective(device).tree()
          : shared.computeIfAbsent(device.groups(), groups -> snapshot.effective(device).tree()));
    }
    return out;
  }
}
