package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Effective configs of many devices at once. The snapshot shares one merge among the devices of a
 * group list without entries of their own, so a global change to a fleet of 10,000 boxes in a few
 * dozen group combinations costs a few dozen merges, not 10,000.
 */
final class EffectiveConfigs {
  private EffectiveConfigs() {}

  /** The configs of the devices {@code affected} names. */
  static Map<DeviceId, JsonNode> compute(Snapshot snapshot, Affected affected) {
    if (!affected.everyone()) {
      return compute(snapshot, affected.devices());
    }
    // Every device: walked in the snapshot, not looked up one by one.
    Map<DeviceId, JsonNode> out = new HashMap<>(snapshot.devices().size() * 2);
    snapshot.devices().forEach((id, device) -> out.put(id, snapshot.effective(device).tree()));
    return out;
  }

  static Map<DeviceId, JsonNode> compute(Snapshot snapshot, Collection<DeviceId> ids) {
    Map<DeviceId, JsonNode> out = new HashMap<>(ids.size() * 2);
    for (DeviceId id : ids) {
      Device device = snapshot.devices().get(id);
      if (device != null) {
        out.put(id, snapshot.effective(device).tree());
      }
    }
    return out;
  }
}
