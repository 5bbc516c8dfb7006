package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Ansible inventory as Ansible loads it: hosts, groups with their children, depths and
 * priorities, and every host's inventory variables in Ansible's order (see docs/ansible.md).
 */
public final class Inventory {
  /** Where a layer of a host's variables comes from, in Ansible's order of precedence. */
  public enum Source { GROUP_INVENTORY, GROUP_VARS_FILES, HOST_INVENTORY, HOST_VARS_FILES }

  /**
   * One layer of a host's variables: a group's (or the host's own) from one source, with the names
   * of the variables whose value is or holds a vault-encrypted value.
   */
  public record Layer(Source source, String owner, ObjectNode vars, Set<String> vaulted) {}

  private final Map<String, Group> groups;
  private final Map<String, Host> hosts;
  private final Map<String, VarsFiles.Vars> groupFiles;
  private final Map<String, VarsFiles.Vars> hostFiles;
  private final Map<String, List<String>> groupsOf = new HashMap<>();

  private Inventory(Builder builder, Map<String, VarsFiles.Vars> groupFiles, Map<String, VarsFiles.Vars> hostFiles) {
    this.groups = builder.groups;
    this.hosts = builder.hosts;
    this.groupFiles = groupFiles;
    this.hostFiles = hostFiles;
  }

  /** Reads an inventory file or directory, with the group_vars/ and host_vars/ beside it. */
  public static Inventory read(Path source, Decryptor decryptor) {
    if (!Files.exists(source)) {
      throw new AnsibleException(source + ": no such inventory file or directory");
    }
    Builder builder = new Builder();
    try {
      new InventoryReader(builder, decryptor).readSource(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    builder.reconcile();
    Path base = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
    VarsFiles files = new VarsFiles(decryptor);
    Map<String, VarsFiles.Vars> groupFiles = new HashMap<>();
    for (String group : builder.groups.keySet()) {
      files.read(base.resolve("group_vars"), group).ifPresent(vars -> groupFiles.put(group, vars));
    }
    Map<String, VarsFiles.Vars> hostFiles = new HashMap<>();
    for (String host : builder.hosts.keySet()) {
      files.read(base.resolve("host_vars"), host).ifPresent(vars -> hostFiles.put(host, vars));
    }
    return new Inventory(builder, groupFiles, hostFiles);
  }

  /** An inventory of groups and hosts alone (no variables files), as the export lays it out. */
  static Inventory of(Builder builder) {
    builder.reconcile();
    return new Inventory(builder, Map.of(), Map.of());
  }

  /** Host names in the order the inventory declares them. */
  public List<String> hosts() {
    return List.copyOf(hosts.keySet());
  }

  /** Group names in the order the inventory declares them, {@code all} and {@code ungrouped} first. */
  public List<String> groups() {
    return List.copyOf(groups.keySet());
  }

  /** The groups a host is in (directly or through children), in Ansible's variable order: lowest first. */
  public List<String> groupsOf(String host) {
    // The inventory no longer changes once read: each host's order is computed once.
    return groupsOf.computeIfAbsent(host, this::orderGroups);
  }

  private List<String> orderGroups(String host) {
    Set<String> all = new LinkedHashSet<>();
    for (String direct : host(host).groups) {
      addWithAncestors(direct, all);
    }
    all.add("all");
    return all.stream().map(groups::get)
        .sorted(Comparator.comparingInt((Group g) -> depth(g.name, new LinkedHashSet<>()))
            .thenComparingInt(g -> g.priority).thenComparing(g -> g.name))
        .map(g -> g.name).toList();
  }

  /** The groups {@code group} is a direct child of. */
  public List<String> parentsOf(String group) {
    return groups.values().stream().filter(g -> g.children.contains(group)).map(g -> g.name).toList();
  }

  /** A host's variable layers, lowest precedence first; combining them by replacing top-level keys gives {@link #vars}. */
  public List<Layer> layers(String host) {
    List<String> ordered = groupsOf(host);
    List<Layer> layers = new ArrayList<>();
    for (String group : ordered) {
      layers.add(new Layer(Source.GROUP_INVENTORY, group, groups.get(group).vars, groups.get(group).vaulted));
    }
    for (String group : ordered) {
      VarsFiles.Vars files = groupFiles.get(group);
      if (files != null) {
        layers.add(new Layer(Source.GROUP_VARS_FILES, group, files.vars(), files.vaulted()));
      }
    }
    layers.add(new Layer(Source.HOST_INVENTORY, host, host(host).vars, host(host).vaulted));
    VarsFiles.Vars files = hostFiles.get(host);
    if (files != null) {
      layers.add(new Layer(Source.HOST_VARS_FILES, host, files.vars(), files.vaulted()));
    }
    return layers;
  }

  /** A host's variables exactly as {@code ansible-inventory --host} shows them (hash_behaviour=replace). */
  public ObjectNode vars(String host) {
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    for (Layer layer : layers(host)) {
      vars.setAll(layer.vars());
    }
    return vars;
  }

  /** The names of a host's variables (as {@link #vars}) whose value came from a vault-encrypted one. */
  public Set<String> vaulted(String host) {
    Set<String> vaulted = new LinkedHashSet<>();
    for (Layer layer : layers(host)) {
      layer.vars().fieldNames().forEachRemaining(vaulted::remove);
      vaulted.addAll(layer.vaulted());
    }
    return vaulted;
  }

  /**
   * The inventory's shape as {@code ansible-inventory --list} gives it: every group (keys sorted, as
   * that JSON is), each with its direct {@code hosts} and {@code children} in Ansible's order, and
   * {@code priority} where {@code ansible_group_priority} is set. {@code all} lists no hosts, as there:
   * a host in no other group is in {@code ungrouped}.
   */
  public ObjectNode shape() {
    ObjectNode groupsNode = JsonNodeFactory.instance.objectNode();
    groups.values().stream().sorted(Comparator.comparing((Group g) -> g.name)).forEach(group -> {
      ObjectNode node = groupsNode.putObject(group.name);
      ArrayNode direct = node.putArray("hosts");
      if (!group.name.equals("all")) {
        group.hostOrder.stream().filter(h -> hosts.get(h).groups.contains(group.name)).forEach(direct::add);
      }
      ArrayNode children = node.putArray("children");
      group.children.forEach(children::add);
      if (group.prioritySet) {
        node.put("priority", group.priority);
      }
    });
    ObjectNode shape = JsonNodeFactory.instance.objectNode();
    shape.set("groups", groupsNode);
    return shape;
  }

  private Host host(String name) {
    Host host = hosts.get(name);
    if (host == null) {
      throw new IllegalArgumentException("no host " + name + " in the inventory");
    }
    return host;
  }

  private void addWithAncestors(String group, Set<String> into) {
    if (into.add(group)) {
      parentsOf(group).forEach(parent -> addWithAncestors(parent, into));
    }
  }

  /** The longest path from {@code all}, as Ansible's Group.depth. */
  private int depth(String group, Set<String> path) {
    if (group.equals("all")) {
      return 0;
    }
    if (!path.add(group)) {
      throw new AnsibleException("group " + group + " is its own ancestor: " + String.join(" -> ", path));
    }
    int depth = parentsOf(group).stream().mapToInt(parent -> depth(parent, path) + 1).max().orElse(1);
    path.remove(group);
    return depth;
  }

  private static final class Group {
    final String name;
    final ObjectNode vars = JsonNodeFactory.instance.objectNode();
    final Set<String> vaulted = new LinkedHashSet<>();
    final Set<String> children = new LinkedHashSet<>();
    final Set<String> hostOrder = new LinkedHashSet<>();
    int priority = 1;
    boolean prioritySet;

    Group(String name) {
      this.name = name;
    }
  }

  private static final class Host {
    final ObjectNode vars = JsonNodeFactory.instance.objectNode();
    final Set<String> vaulted = new LinkedHashSet<>();
    final Set<String> groups = new LinkedHashSet<>();
  }

  /** What the inventory plugins add to, as Ansible's InventoryData. */
  static final class Builder {
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();

    Builder() {
      group("all");
      group("ungrouped");
      child("all", "ungrouped");
    }

    boolean hasGroup(String name) {
      return groups.containsKey(name);
    }

    void group(String name) {
      groups.computeIfAbsent(name, Group::new);
    }

    void child(String parent, String child) {
      group(parent);
      group(child);
      if (!parent.equals(child)) {
        groups.get(parent).children.add(child);
      }
    }

    void host(String name, String group) {
      group(group);
      hosts.computeIfAbsent(name, n -> new Host()).groups.add(group);
      groups.get(group).hostOrder.add(name);
    }

    void groupVariable(String group, String key, JsonNode value, boolean vaulted) {
      group(group);
      Group target = groups.get(group);
      if (key.equals("ansible_group_priority")) {
        target.priority = priority(group, value);
        target.prioritySet = true;
      } else {
        target.vars.set(key, value);
        mark(target.vaulted, key, vaulted);
      }
    }

    void hostVariable(String host, String key, JsonNode value, boolean vaulted) {
      hosts.get(host).vars.set(key, value);
      mark(hosts.get(host).vaulted, key, vaulted);
    }

    private static void mark(Set<String> vaulted, String key, boolean isVaulted) {
      if (isVaulted) {
        vaulted.add(key);
      } else {
        vaulted.remove(key);
      }
    }

    private static int priority(String group, JsonNode value) {
      if (value.isIntegralNumber()) {
        return value.intValue();
      }
      try {
        return Integer.parseInt(value.asText().strip());
      } catch (NumberFormatException e) {
        throw new AnsibleException("group " + group + ": ansible_group_priority must be an integer, was " + value);
      }
    }

    /** Ansible's reconcile: top groups under all, hosts without a group in ungrouped (and only they). */
    void reconcile() {
      for (String name : groups.keySet()) {
        boolean hasParent = groups.values().stream().anyMatch(g -> g.children.contains(name));
        if (!name.equals("all") && !hasParent) {
          child("all", name);
        }
      }
      for (Host host : hosts.values()) {
        host.groups.remove("all");
        if (host.groups.contains("ungrouped") && host.groups.size() > 1) {
          host.groups.remove("ungrouped");
        }
        if (host.groups.isEmpty()) {
          host.groups.add("ungrouped");
        }
      }
      for (Map.Entry<String, Host> host : hosts.entrySet()) {
        if (host.getValue().groups.contains("ungrouped")) {
          groups.get("ungrouped").hostOrder.add(host.getKey());
        }
      }
    }
  }
}
