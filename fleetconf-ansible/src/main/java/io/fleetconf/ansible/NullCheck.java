package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the variables whose Ansible value is, or holds as a dict member, {@code null}: fleetconf
 * keeps {@code null} only as a deletion marker (a tombstone), so the device's {@code vars} could not
 * show it as {@code ansible-inventory --host} does, and the import refuses them by name.
 */
final class NullCheck {
  private static final int NAMED = 5;

  private NullCheck() {}

  static void refuseNulls(Inventory inventory) {
    Set<String> found = new LinkedHashSet<>();
    for (String host : inventory.hosts()) {
      inventory.vars(host).properties().forEach(v -> {
        List<String> paths = new ArrayList<>();
        nullsIn(v.getValue(), v.getKey(), paths);
        paths.forEach(path -> found.add("'" + path + "' (set by " + setBy(inventory, host, v.getKey()) + ")"));
      });
    }
    if (found.isEmpty()) {
      return;
    }
    List<String> named = found.stream().limit(NAMED).toList();
    throw new AnsibleException("variable " + String.join(", ", named)
        + (found.size() > NAMED ? " and " + (found.size() - NAMED) + " more" : "")
        + (found.size() == 1 ? " is" : " are") + " null in Ansible, and fleetconf stores null only as a deletion"
        + " (it would be absent, not null): give it a value or remove it, or pass --drop-nulls to import it as absent");
  }

  private static void nullsIn(JsonNode value, String path, List<String> into) {
    if (value.isNull()) {
      into.add(path);
    } else if (value.isObject()) {
      value.properties().forEach(member -> nullsIn(member.getValue(), path + "." + member.getKey(), into));
    }
  }

  /** The layer that sets the variable last: the one whose value the host gets. */
  private static String setBy(Inventory inventory, String host, String variable) {
    String by = "host " + host;
    for (Inventory.Layer layer : inventory.layers(host)) {
      if (layer.vars().has(variable)) {
        by = switch (layer.source()) {
          case GROUP_INVENTORY -> "group " + layer.owner() + " in the inventory";
          case GROUP_VARS_FILES -> "group_vars of " + layer.owner();
          case HOST_INVENTORY -> "host " + layer.owner() + " in the inventory";
          case HOST_VARS_FILES -> "host_vars of " + layer.owner();
        };
      }
    }
    return by;
  }
}
