package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The group hierarchy an export writes to {@code hosts.yml}: the inventory's own (children and
 * priorities from the import's {@code global/ansible/inventory} entry) when there is one, else
 * flat groups under {@code all} with the {@code ansible_group_priority} values that put every
 * host's groups in the order its device has them.
 */
final class ExportShape {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Map<String, List<String>> children = new LinkedHashMap<>();
  private final Map<String, List<String>> hosts = new LinkedHashMap<>();
  private final Map<String, Integer> priorities = new LinkedHashMap<>();

  private ExportShape() {}

  /**
   * The shape for {@code hostGroups} (host → its Ansible groups, lowest first, without {@code all}),
   * from {@code inventory} (the contract entry's value) when present.
   */
  static ExportShape of(Map<String, List<String>> hostGroups, Optional<JsonNode> inventory) {
    ExportShape shape = new ExportShape();
    shape.children.put("all", new ArrayList<>());
    if (inventory.isPresent()) {
      shape.fromInventory(inventory.get().path("groups"));
    } else {
      shape.flat(hostGroups);
    }
    shape.placeHosts(hostGroups, inventory.map(i -> i.path("groups")));
    return shape;
  }

  private void fromInventory(JsonNode groups) {
    groups.properties().forEach(group -> {
      List<String> kids = children.computeIfAbsent(group.getKey(), g -> new ArrayList<>());
      group.getValue().path("children").forEach(child -> {
        kids.add(child.asText());
        children.computeIfAbsent(child.asText(), c -> new ArrayList<>());
      });
      if (group.getValue().has("priority")) {
        priorities.put(group.getKey(), group.getValue().get("priority").intValue());
      }
    });
  }

  /** Every group a child of {@code all}; priorities only where name order would not do. */
  private void flat(Map<String, List<String>> hostGroups) {
    Map<String, Set<String>> before = new LinkedHashMap<>();
    Map<String, String> witness = new LinkedHashMap<>();
    hostGroups.forEach((host, groups) -> {
      for (int i = 0; i < groups.size(); i++) {
        before.computeIfAbsent(groups.get(i), g -> new LinkedHashSet<>());
        if (i > 0 && before.get(groups.get(i - 1)).add(groups.get(i))) {
          witness.put(groups.get(i - 1) + " " + groups.get(i), host);
        }
      }
    });
    List<String> order = topological(before, witness);
    order.forEach(group -> {
      children.get("all").add(group);
      children.put(group, new ArrayList<>());
    });
    boolean nameOrderWorks = before.entrySet().stream()
        .allMatch(e -> e.getValue().stream().allMatch(later -> e.getKey().compareTo(later) < 0));
    if (!nameOrderWorks) {
      for (int i = 0; i < order.size(); i++) {
        priorities.put(order.get(i), i + 1);
      }
    }
  }

  /** Kahn's algorithm, ties by name; a cycle means no single order fits every host. */
  private static List<String> topological(Map<String, Set<String>> before, Map<String, String> witness) {
    Map<String, Integer> incoming = new LinkedHashMap<>();
    before.keySet().forEach(g -> incoming.put(g, 0));
    before.values().forEach(later -> later.forEach(g -> incoming.merge(g, 1, Integer::sum)));
    PriorityQueue<String> ready = new PriorityQueue<>();
    incoming.forEach((g, n) -> {
      if (n == 0) {
        ready.add(g);
      }
    });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String group = ready.poll();
      order.add(group);
      before.get(group).forEach(later -> {
        if (incoming.merge(later, -1, Integer::sum) == 0) {
          ready.add(later);
        }
      });
    }
    if (order.size() < before.size()) {
      throw new AnsibleException("no single group order fits every host, so flat groups with "
          + "ansible_group_priority cannot give each host its variables: " + cycle(before, incoming, witness)
          + "; import the inventory's shape (global/ansible/inventory) or make the devices' group orders agree");
    }
    return order;
  }

  private static String cycle(Map<String, Set<String>> before, Map<String, Integer> incoming, Map<String, String> witness) {
    List<String> path = new ArrayList<>();
    String group = incoming.entrySet().stream().filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey();
    while (!path.contains(group)) {
      path.add(group);
      group = before.get(group).stream().filter(g -> incoming.get(g) > 0).findFirst().orElseThrow();
    }
    List<String> loop = new ArrayList<>(path.subList(path.indexOf(group), path.size()));
    loop.add(group);
    List<String> said = new ArrayList<>();
    for (int i = 0; i + 1 < loop.size(); i++) {
      String pair = loop.get(i) + " " + loop.get(i + 1);
      said.add("host " + witness.get(pair) + " has " + loop.get(i) + " below " + loop.get(i + 1));
    }
    return String.join(", ", said);
  }

  /**
   * Each host goes where the inventory lists it (of its device's groups), then into its other
   * groups that no group it is in already descends from and that are not an ancestor of another of
   * its groups (Ansible adds the ancestors).
   */
  private void placeHosts(Map<String, List<String>> hostGroups, Optional<JsonNode> inventory) {
    children.keySet().forEach(g -> hosts.put(g, new ArrayList<>()));
    Map<String, Set<String>> placed = new HashMap<>();
    inventory.ifPresent(groups -> groups.properties().forEach(group -> group.getValue().path("hosts")
        .forEach(host -> {
          List<String> of = hostGroups.get(host.asText());
          if (of != null && of.contains(group.getKey())) {
            hosts.get(group.getKey()).add(host.asText());
            placed.computeIfAbsent(host.asText(), h -> new HashSet<>()).add(group.getKey());
          }
        })));
    Map<String, Set<String>> descendants = new HashMap<>();
    hostGroups.forEach((host, groups) -> {
      Set<String> in = placed.computeIfAbsent(host, h -> new HashSet<>());
      for (String group : groups) {
        Set<String> below = descendants.computeIfAbsent(group, this::descendants);
        boolean ancestorOfAnother = groups.stream().anyMatch(other -> !other.equals(group) && below.contains(other));
        boolean covered = in.contains(group) || in.stream().anyMatch(below::contains);
        if (!group.equals("all") && !ancestorOfAnother && !covered) {
          group(group).add(host);
          in.add(group);
        }
      }
      if (in.isEmpty()) {
        group("ungrouped").add(host); // as Ansible places a host without a group
      }
    });
  }

  private List<String> group(String name) {
    if (!children.containsKey(name)) {
      children.put(name, new ArrayList<>());
      children.get("all").add(name);
    }
    return hosts.computeIfAbsent(name, k -> new ArrayList<>());
  }

  private Set<String> descendants(String group) {
    Set<String> found = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(children.getOrDefault(group, List.of()));
    while (!todo.isEmpty()) {
      String next = todo.remove(0);
      if (found.add(next)) {
        todo.addAll(children.getOrDefault(next, List.of()));
      }
    }
    return found;
  }

  /** The hierarchy as Ansible's inventory model sees it, to order each host's groups as Ansible does. */
  Inventory inventory() {
    Inventory.Builder builder = new Inventory.Builder();
    children.forEach((group, kids) -> {
      builder.group(group);
      kids.forEach(kid -> builder.child(group, kid));
    });
    priorities.forEach((group, priority) -> builder.groupVariable(group, "ansible_group_priority", IntNode.valueOf(priority), false));
    hosts.forEach((group, list) -> list.forEach(host -> builder.host(host, group)));
    return Inventory.of(builder);
  }

  /**
   * {@code hosts.yml}: each group defined once, where the walk from {@code all} first meets it
   * (hosts, the priority, children), and named with nothing under its other parents.
   */
  String hostsYaml() {
    ObjectNode root = JSON.objectNode();
    define("all", root.putObject("all"), new LinkedHashSet<>());
    return VarsYaml.write(root);
  }

  private void define(String group, ObjectNode into, Set<String> defined) {
    defined.add(group);
    if (!hosts.getOrDefault(group, List.of()).isEmpty()) {
      ObjectNode hostNodes = into.putObject("hosts");
      hosts.get(group).forEach(hostNodes::putNull);
    }
    if (priorities.containsKey(group)) {
      into.putObject("vars").put("ansible_group_priority", priorities.get(group));
    }
    List<String> kids = children.getOrDefault(group, List.of());
    if (!kids.isEmpty()) {
      ObjectNode childNodes = into.putObject("children");
      for (String kid : kids) {
        if (defined.contains(kid)) {
          childNodes.putNull(kid);
        } else {
          ObjectNode node = childNodes.putObject(kid);
          define(kid, node, defined);
          if (node.isEmpty()) {
            childNodes.putNull(kid);
          }
        }
      }
    }
  }
}
