package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an inventory becomes in fleetconf: a device per host, a group {@code ansible/<group>} per
 * group, each device's groups in Ansible's order, and one replacing entry per variable under the
 * namespace ({@link Entry#replace()}: Ansible replaces a variable whole, and its {@code null}s are
 * values; docs/ansible.md). Every name is checked before anything is planned.
 */
public final class ImportPlan {
  /** The group kind the import's groups have. */
  public static final String KIND = "ansible";
  /** The label on the devices an import registers ({@link #SOURCE}): only those does {@code --prune} unregister. */
  public static final String SOURCE_LABEL = "fleetconf.io/source";
  public static final String SOURCE = "ansible";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The one global entry describing the inventory's groups (docs/ansible.md, "The inventory entry"). */
  public static final Key INVENTORY_KEY = Key.parse("global/" + KIND + "/inventory");

  private final String namespace;
  private final ObjectNode shape;
  private final Map<GroupName, ObjectNode> groupVars = new LinkedHashMap<>();
  private final Map<DeviceId, List<GroupName>> deviceGroups = new LinkedHashMap<>();
  private final Map<DeviceId, ObjectNode> deviceVars = new LinkedHashMap<>();
  private final Set<Key> secrets = new LinkedHashSet<>();
  private Map<Key, JsonNode> entries; // built once, after planning

  private ImportPlan(String namespace, ObjectNode shape) {
    this.namespace = namespace;
    this.shape = shape;
  }

  /** Plans the import of {@code inventory}, its variables under {@code namespace}. */
  public static ImportPlan of(Inventory inventory, String namespace) {
    checkNames(inventory, namespace);
    ImportPlan plan = new ImportPlan(namespace, inventory.shape());
    Map<String, Inventory.Layer> combined = combinedLayers(inventory);
    Inventory.Layer none = new Inventory.Layer(Inventory.Source.GROUP_INVENTORY, "", JSON.objectNode(), Set.of());
    for (String group : inventory.groups()) {
      Inventory.Layer layer = combined.getOrDefault("g:" + group, none);
      plan.groupVars.put(groupName(group), layer.vars().deepCopy());
      plan.addSecrets(new Scope.Group(groupName(group)), layer.vaulted());
    }
    for (String host : inventory.hosts()) {
      DeviceId id = DeviceId.of(host);
      plan.deviceGroups.put(id, inventory.groupsOf(host).stream().map(ImportPlan::groupName).toList());
      Inventory.Layer layer = combined.getOrDefault("h:" + host, none);
      ObjectNode vars = layer.vars().deepCopy();
      plan.deviceVars.put(id, vars);
      Set<String> secret = new LinkedHashSet<>(layer.vaulted());
      ObjectNode expected = inventory.vars(host);
      ObjectNode effective = plan.effective(id);
      // Where group_vars files of a lower group outrank a higher group's inventory vars, one
      // layer per group cannot say it: the device layer states Ansible's value.
      Set<String> vaulted = inventory.vaulted(host);
      expected.properties().forEach(v -> {
        if (!v.getValue().equals(effective.get(v.getKey()))) {
          vars.set(v.getKey(), v.getValue());
          mark(secret, v.getKey(), vaulted.contains(v.getKey()));
        }
      });
      plan.addSecrets(new Scope.Device(id), secret);
    }
    return plan;
  }

  /** Each group's (and host's) variables from all its sources, keyed {@code g:<group>} or {@code h:<host>}. */
  private static Map<String, Inventory.Layer> combinedLayers(Inventory inventory) {
    Map<String, Inventory.Layer> combined = new LinkedHashMap<>();
    Set<Inventory.Layer> seen = new HashSet<>();
    for (String host : inventory.hosts()) {
      for (Inventory.Layer layer : inventory.layers(host)) {
        if (!seen.add(layer)) {
          continue;
        }
        boolean ofGroup = layer.source() == Inventory.Source.GROUP_INVENTORY
            || layer.source() == Inventory.Source.GROUP_VARS_FILES;
        Inventory.Layer into = combined.computeIfAbsent((ofGroup ? "g:" : "h:") + layer.owner(),
            o -> new Inventory.Layer(layer.source(), layer.owner(), JSON.objectNode(), new LinkedHashSet<>()));
        layer.vars().properties().forEach(v -> {
          into.vars().set(v.getKey(), v.getValue());
          mark(into.vaulted(), v.getKey(), layer.vaulted().contains(v.getKey()));
        });
      }
    }
    return combined;
  }

  private static void mark(Set<String> vaulted, String name, boolean isVaulted) {
    if (isVaulted) {
      vaulted.add(name);
    } else {
      vaulted.remove(name);
    }
  }

  private void addSecrets(Scope scope, Set<String> names) {
    names.forEach(name -> secrets.add(new Key(scope, KeyPath.parse(namespace + "/" + name))));
  }

  /** The fleetconf group of an Ansible group. */
  public static GroupName groupName(String ansibleGroup) {
    return GroupName.of(KIND + "/" + ansibleGroup);
  }

  /** The entries whose value is, or holds, a vault-encrypted value: they are written as secrets. */
  public Set<Key> secrets() {
    return secrets;
  }

  /** The fleetconf groups of the inventory's groups. */
  public Set<GroupName> groupNames() {
    return groupVars.keySet();
  }

  public String namespace() {
    return namespace;
  }

  /** Each device's groups, lowest precedence first. */
  public Map<DeviceId, List<GroupName>> deviceGroups() {
    return deviceGroups;
  }

  /**
   * Every entry the import writes: {@code <scope>/<namespace>/<variable>} to its value, and
   * {@link #INVENTORY_KEY} to the inventory's shape. Each but that one {@link #replaces(Key) replaces}.
   */
  public Map<Key, JsonNode> entries() {
    if (entries == null) {
      entries = new LinkedHashMap<>();
      entries.put(INVENTORY_KEY, shape);
      groupVars.forEach((group, vars) -> addEntries(entries, new Scope.Group(group), vars));
      deviceVars.forEach((device, vars) -> addEntries(entries, new Scope.Device(device), vars));
    }
    return java.util.Collections.unmodifiableMap(entries);
  }

  /** True for the entries written as replacing ones: every variable, not the inventory entry. */
  public static boolean replaces(Key key) {
    return !key.equals(INVENTORY_KEY);
  }

  /** The namespace's part of a device's effective config, merged by core as the server does. */
  public ObjectNode effective(DeviceId device) {
    List<Layer> layers = new ArrayList<>();
    for (GroupName group : deviceGroups.get(device)) {
      layers.add(layer(new Scope.Group(group), groupVars.get(group)));
    }
    layers.add(layer(new Scope.Device(device), deviceVars.get(device)));
    return EffectiveConfig.merge(layers).namespace(namespace).tree();
  }

  private Layer layer(Scope scope, ObjectNode vars) {
    Map<Key, JsonNode> entries = new LinkedHashMap<>();
    addEntries(entries, scope, vars);
    return Layer.of(entries.entrySet().stream()
        .map(e -> new Entry(e.getKey(), e.getValue(), Revision.ZERO, Revision.ZERO, 1, false, 0, true)).toList());
  }

  private void addEntries(Map<Key, JsonNode> entries, Scope scope, ObjectNode vars) {
    vars.properties().forEach(v -> entries.put(new Key(scope, KeyPath.parse(namespace + "/" + v.getKey())), v.getValue()));
  }

  private static void checkNames(Inventory inventory, String namespace) {
    check(() -> KeyPath.parse(namespace), "namespace '" + namespace + "'");
    if (namespace.equals(KIND)) {
      throw new AnsibleException("namespace '" + KIND + "' is reserved for the import's own entry "
          + INVENTORY_KEY + "; choose another, e.g. vars");
    }
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
