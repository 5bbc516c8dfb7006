package io.fleetconf.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ansible's {@code groups} and {@code group_names} for one host, from the inventory's shape that
 * {@code fleetconf import ansible} stores at {@code global/ansible/inventory}:
 * {@code {"groups": {"web": {"hosts": [...], "children": [...]}, ...}}}, direct hosts and child
 * groups in Ansible's order.
 */
record InventoryGroups(Map<String, List<String>> groups, List<String> groupNames) {
  /** The key of the entry, under the config's root. */
  static final String NAMESPACE = "ansible";
  static final String PATH = "inventory";

  /**
   * The groups of {@code host} as Ansible computes them, or empty when the config has no inventory
   * entry. A malformed entry fails the output, naming what is wrong.
   */
  static Optional<InventoryGroups> of(Map<String, Object> tree, String host) {
    if (!(tree.get(NAMESPACE) instanceof Map<?, ?> ansible) || !ansible.containsKey(PATH)) {
      return Optional.empty();
    }
    if (!(ansible.get(PATH) instanceof Map<?, ?> inventory) || !(inventory.get("groups") instanceof Map<?, ?> shape)) {
      throw new AgentException("global/ansible/inventory must be an object with \"groups\": {name: {\"hosts\": [...],"
          + " \"children\": [...]}}; nothing written");
    }
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    Map<String, List<String>> children = new LinkedHashMap<>();
    shape.forEach((name, group) -> {
      hosts.put(name.toString(), names(group, "hosts", name));
      children.put(name.toString(), names(group, "children", name));
    });
    // Ansible always has both; ansible-inventory --list leaves out an empty ungrouped
    hosts.putIfAbsent("ungrouped", List.of());
    children.putIfAbsent("ungrouped", List.of());
    Map<String, List<String>> groups = new LinkedHashMap<>();
    hosts.keySet().forEach(name -> groups.put(name, hostsOf(name, hosts, children)));
    // a host is in the groups that list it and in all their ancestors; group_names leaves out all, sorted
    Set<String> mine = new java.util.TreeSet<>();
    hosts.forEach((name, direct) -> {
      if (direct.contains(host)) {
        mine.add(name);
        mine.addAll(ancestors(name, children));
      }
    });
    mine.remove("all");
    return Optional.of(new InventoryGroups(groups, List.copyOf(mine)));
  }

  private static List<String> names(Object group, String field, Object groupName) {
    if (group instanceof Map<?, ?> map && map.get(field) == null) {
      return List.of();
    }
    if (group instanceof Map<?, ?> map && map.get(field) instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    throw new AgentException("global/ansible/inventory: group '" + groupName + "' must be an object whose \"" + field
        + "\" is a list of names; nothing written");
  }

  /**
   * Ansible's {@code Group.get_hosts()}: the group's own hosts, then those of its descendants level by
   * level (children in order), each host once.
   */
  private static List<String> hostsOf(String group, Map<String, List<String>> hosts, Map<String, List<String>> children) {
    Set<String> out = new LinkedHashSet<>();
    Set<String> seen = new LinkedHashSet<>(List.of(group));
    List<String> level = List.of(group);
    while (!level.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (String g : level) {
        out.addAll(hosts.getOrDefault(g, List.of()));
        for (String child : children.getOrDefault(g, List.of())) {
          if (seen.add(child)) {
            next.add(child);
          }
        }
      }
      level = next;
    }
    return new ArrayList<>(out);
  }

  private static Set<String> ancestors(String group, Map<String, List<String>> children) {
    Set<String> found = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(group));
    while (!todo.isEmpty()) {
      String g = todo.removeLast();
      children.forEach((parent, kids) -> {
        if (kids.contains(g) && found.add(parent)) {
          todo.add(parent);
        }
      });
    }
    return found;
  }

  /**
   * {@code groups} for a template: a group's hosts by name, but not the whole. Ansible's dict lists
   * the groups in the order it parsed the inventory, which the import's entry does not keep (it
   * has {@code ansible-inventory --list}'s sorted order), so printing or iterating it fails rather
   * than write the groups in another order.
   */
  static final class Unordered extends StrictJinja.Branch {
    Unordered(java.util.Map<String, List<String>> groups) {
      super("groups");
      groups.forEach((name, hosts) -> super.put(name, StrictJinja.tree("groups['" + name + "']", hosts)));
    }

    private static PythonOperators.PythonError refused() {
      return new PythonOperators.PythonError("'groups' as a whole (printed, iterated, its keys or items) lists the groups in"
          + " the order Ansible parsed the inventory, which the agent does not know: use groups['<group>'] or group_names");
    }

    @Override
    public java.util.Set<java.util.Map.Entry<String, Object>> entrySet() {
      throw refused();
    }

    @Override
    public java.util.Set<String> keySet() {
      throw refused();
    }

    @Override
    public java.util.Collection<Object> values() {
      throw refused();
    }

    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
      throw refused();
    }
  }
}
