package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an inventory becomes in fleetconf: a device per host, a group {@code ansible/<group>} per
 * group, each device's groups in Ansible's order, and one entry per variable under the namespace,
 * with the {@code null} tombstones that make fleetconf's deep merge give Ansible's replaced dicts
 * (docs/ansible.md). Every name is checked before anything is planned.
 */
public final class ImportPlan {
  /** The group kind the import's groups have. */
  public static final String KIND = "ansible";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String namespace;
  private final Map<GroupName, ObjectNode> groupVars = new LinkedHashMap<>();
  private final Map<DeviceId, List<GroupName>> deviceGroups = new LinkedHashMap<>();
  private final Map<DeviceId, ObjectNode> deviceVars = new LinkedHashMap<>();

  private ImportPlan(String namespace) {
    this.namespace = namespace;
  }

  /** Plans the import of {@code inventory}, its variables under {@code namespace}. */
  public static ImportPlan of(Inventory inventory, String namespace) {
    checkNames(inventory, namespace);
    ImportPlan plan = new ImportPlan(namespace);
    Map<String, List<JsonNode>> everyValue = new LinkedHashMap<>();
    Map<String, ObjectNode> combined = new LinkedHashMap<>();
    java.util.Set<Inventory.Layer> seen = new java.util.HashSet<>();
    for (String host : inventory.hosts()) {
      for (Inventory.Layer layer : inventory.layers(host)) {
        if (!seen.add(layer)) {
          continue;
        }
        boolean ofGroup = layer.source() == Inventory.Source.GROUP_INVENTORY
            || layer.source() == Inventory.Source.GROUP_VARS_FILES;
        combined.computeIfAbsent((ofGroup ? "g:" : "h:") + layer.owner(), o -> JSON.objectNode()).setAll(layer.vars());
        layer.vars().properties().forEach(v -> everyValue.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(v.getValue()));
      }
    }
    for (String group : inventory.groups()) {
      ObjectNode vars = combined.getOrDefault("g:" + group, JSON.objectNode());
      plan.groupVars.put(groupName(group), withTombstones(vars, everyValue));
    }
    for (String host : inventory.hosts()) {
      DeviceId id = DeviceId.of(host);
      plan.deviceGroups.put(id, inventory.groupsOf(host).stream().map(ImportPlan::groupName).toList());
      ObjectNode vars = withTombstones(combined.getOrDefault("h:" + host, JSON.objectNode()), everyValue);
      plan.deviceVars.put(id, vars);
      ObjectNode expected = withoutNulls(inventory.vars(host));
      ObjectNode effective = plan.effective(id);
      // Where group_vars files of a lower group outrank a higher group's inventory vars, one
      // layer per group cannot say it: the device layer states Ansible's value.
      expected.properties().forEach(v -> {
        if (!v.getValue().equals(effective.get(v.getKey()))) {
          vars.set(v.getKey(), withTombstones(inventory.vars(host).get(v.getKey()), everyValue.get(v.getKey())));
        }
      });
    }
    return plan;
  }

  /** The fleetconf group of an Ansible group. */
  public static GroupName groupName(String ansibleGroup) {
    return GroupName.of(KIND + "/" + ansibleGroup);
  }

  public String namespace() {
    return namespace;
  }

  /** Each device's groups, lowest precedence first. */
  public Map<DeviceId, List<GroupName>> deviceGroups() {
    return deviceGroups;
  }

  /** Every entry the import writes: {@code <scope>/<namespace>/<variable>} to its value (with tombstones). */
  public Map<Key, JsonNode> entries() {
    Map<Key, JsonNode> entries = new LinkedHashMap<>();
    groupVars.forEach((group, vars) -> addEntries(entries, new Scope.Group(group), vars));
    deviceVars.forEach((device, vars) -> addEntries(entries, new Scope.Device(device), vars));
    return entries;
  }

  /** The namespace's part of a device's effective config, merged by core as the server does. */
  public ObjectNode effective(DeviceId device) {
    List<Layer> layers = new ArrayList<>();
    for (GroupName group : deviceGroups.get(device)) {
      layers.add(Layer.ofTree(JSON.objectNode().set(namespace, groupVars.get(group)), new Scope.Group(group)));
    }
    layers.add(Layer.ofTree(JSON.objectNode().set(namespace, deviceVars.get(device)), new Scope.Device(device)));
    return EffectiveConfig.merge(layers).namespace(namespace).tree();
  }

  private void addEntries(Map<Key, JsonNode> entries, Scope scope, ObjectNode vars) {
    vars.properties().forEach(v -> entries.put(new Key(scope, KeyPath.parse(namespace + "/" + v.getKey())), v.getValue()));
  }

  private static <T extends JsonNode> T withTombstones(T own, Map<String, List<JsonNode>> everyValue) {
    if (!(own instanceof ObjectNode object)) {
      return own;
    }
    @SuppressWarnings("unchecked")
    T copy = (T) JSON.objectNode();
    object.properties().forEach(v -> ((ObjectNode) copy).set(v.getKey(),
        withTombstones(v.getValue(), everyValue.getOrDefault(v.getKey(), List.of()))));
    return copy;
  }

  /** {@code own} with a null for every member the other values of this variable hold and it does not. */
  private static JsonNode withTombstones(JsonNode own, List<JsonNode> others) {
    if (!own.isObject()) {
      return own;
    }
    ObjectNode result = JSON.objectNode();
    own.properties().forEach(member -> {
      List<JsonNode> below = others.stream().filter(JsonNode::isObject).map(o -> o.get(member.getKey()))
          .filter(v -> v != null).toList();
      result.set(member.getKey(), withTombstones(member.getValue(), below));
    });
    for (JsonNode other : others) {
      if (other.isObject()) {
        other.fieldNames().forEachRemaining(name -> {
          if (!result.has(name)) {
            result.putNull(name);
          }
        });
      }
    }
    return result;
  }

  /** Ansible's value as fleetconf can hold it: a {@code null} member is a tombstone there, so it is absent. */
  public static ObjectNode withoutNulls(ObjectNode vars) {
    ObjectNode result = JSON.objectNode();
    vars.properties().forEach(v -> {
      if (v.getValue().isObject()) {
        result.set(v.getKey(), withoutNulls((ObjectNode) v.getValue()));
      } else if (!v.getValue().isNull()) {
        result.set(v.getKey(), v.getValue());
      }
    });
    return result;
  }

  private static void checkNames(Inventory inventory, String namespace) {
    check(() -> KeyPath.parse(namespace), "namespace '" + namespace + "'");
    for (String group : inventory.groups()) {
      check(() -> groupName(group), "group '" + group + "' (as fleetconf group " + KIND + "/" + group + ")");
    }
    for (String host : inventory.hosts()) {
      check(() -> DeviceId.of(host), "host '" + host + "'");
      inventory.vars(host).fieldNames().forEachRemaining(var ->
          check(() -> KeyPath.parse(namespace + "/" + var), "variable '" + var + "' of host '" + host + "'"));
    }
  }

  private static void check(Runnable parse, String what) {
    try {
      parse.run();
    } catch (InvalidInputException e) {
      throw new AnsibleException(what + " cannot be stored in fleetconf: " + e.getMessage(), e);
    }
  }
}
