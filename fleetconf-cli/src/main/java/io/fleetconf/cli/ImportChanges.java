package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.ansible.Decryptor;
import io.fleetconf.ansible.ImportPlan;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an import changes on the server: the device and entry operations of one change set, each
 * with a line for people. Secrets are compared by a keyed digest the import keeps in
 * {@link #DIGESTS_KEY}, never by reading them back (docs/ansible.md, "Vault").
 */
final class ImportChanges {
  static final String SOURCE_LABEL = ImportPlan.SOURCE_LABEL;
  static final String SOURCE = ImportPlan.SOURCE;
  /**
   * Where the import keeps the digests of the secrets it wrote, by entry key: in a group no device
   * is in, so that no device receives them, nor is woken when they change.
   */
  static final Key DIGESTS_KEY = Key.parse("groups/fleetconf/ansible-import/" + ImportPlan.KIND + "/secrets");

  /** One operation of the change set, and how it reads for people. */
  record Operation(ObjectNode body, String line) {}

  /** A device as the server has it; an entry's value (masked if secret), secrecy and replace flag. */
  record Device(List<String> groups, Map<String, String> labels) {}

  record Entry(JsonNode value, boolean secret, boolean replace) {}

  final List<Operation> devices = new ArrayList<>();
  final List<Operation> entries = new ArrayList<>();
  final List<Operation> removals = new ArrayList<>();
  /** Hosts and groups gone from the inventory that the import left alone (no {@code --prune}). */
  final List<String> left = new ArrayList<>();

  private final ImportPlan plan;
  private final Map<String, Device> serverDevices;
  private final Map<String, Entry> serverEntries;

  private ImportChanges(ImportPlan plan, Map<String, Device> serverDevices, Map<String, Entry> serverEntries) {
    this.plan = plan;
    this.serverDevices = serverDevices;
    this.serverEntries = serverEntries;
  }

  /** The changes that make the server hold {@code plan}; with {@code prune}, also removing what left the inventory. */
  static ImportChanges of(ImportPlan plan, Map<String, Device> devices, Map<String, Entry> entries,
      Decryptor decryptor, boolean prune) {
    ImportChanges changes = new ImportChanges(plan, devices, entries);
    changes.planDevices(prune);
    changes.planEntries(decryptor, prune);
    return changes;
  }

  /** Every operation, in the order the change set applies them. */
  List<Operation> all() {
    List<Operation> all = new ArrayList<>(devices);
    all.addAll(entries);
    all.addAll(removals);
    return all;
  }

  /** "N device change(s), M entry change(s)". */
  String summary() {
    long devicesChanged = all().stream().filter(op -> op.body().path("op").asText().endsWith("-device")).count();
    return devicesChanged + " device change(s), " + (all().size() - devicesChanged) + " entry change(s)";
  }

  /** What the import left alone, for the end of its last line; empty if nothing. */
  String leftNote() {
    return left.isEmpty() ? "" : "; left alone, no longer in the inventory (--prune removes them): " + String.join(", ", left);
  }

  private void planDevices(boolean prune) {
    plan.deviceGroups().forEach((DeviceId id, List<GroupName> planned) -> {
      Device had = serverDevices.get(id.value());
      List<String> groups = new ArrayList<>();
      if (had != null) {
        had.groups().stream().filter(g -> !ours(g)).forEach(groups::add);
      }
      planned.forEach(g -> groups.add(g.value()));
      if (had == null) {
        ObjectNode op = op("create-device").put("id", id.value());
        op.set("groups", ApiClient.JSON.valueToTree(groups));
        op.putObject("labels").put(SOURCE_LABEL, SOURCE);
        devices.add(new Operation(op, "create device " + id + " groups " + groups));
      } else if (!groups.equals(had.groups())) {
        ObjectNode op = op("update-device").put("id", id.value());
        op.set("groups", ApiClient.JSON.valueToTree(groups));
        devices.add(new Operation(op, "update device " + id + " groups " + had.groups() + " -> " + groups));
      }
    });
    serverDevices.forEach((id, device) -> {
      if (plan.deviceGroups().containsKey(DeviceId.of(id)) || device.groups().stream().noneMatch(ImportChanges::ours)) {
        return;
      }
      if (!prune) {
        left.add("host " + id);
      } else if (SOURCE.equals(device.labels().get(SOURCE_LABEL))) {
        removals.add(new Operation(op("delete-device").put("id", id), "delete device " + id));
      } else {
        // Registered by someone else: it stays, without the inventory's groups.
        List<String> groups = device.groups().stream().filter(g -> !ours(g)).toList();
        ObjectNode op = op("update-device").put("id", id);
        op.set("groups", ApiClient.JSON.valueToTree(groups));
        removals.add(new Operation(op, "update device " + id + " groups " + device.groups() + " -> " + groups));
      }
    });
  }

  private void planEntries(Decryptor decryptor, boolean prune) {
    Map<String, JsonNode> planned = new LinkedHashMap<>();
    plan.entries().forEach((key, value) -> planned.put(key.toString(), value));
    Map<String, String> digests = new TreeMap<>();
    for (Key secret : plan.secrets()) {
      digests.put(secret.toString(), decryptor.digest(secret.toString(), planned.get(secret.toString()).toString()));
    }
    JsonNode recorded = Optional.ofNullable(serverEntries.get(DIGESTS_KEY.toString())).map(Entry::value)
        .orElse(ApiClient.JSON.createObjectNode());
    planned.forEach((key, value) -> put(key, value, digests.get(key), recorded.path(key)));
    recordDigests(digests, recorded);
    deleteWhatLeft(planned, prune);
  }

  /** A put unless the server holds it already: a plain value compared as JSON, a secret by its digest. */
  private void put(String key, JsonNode value, String digest, JsonNode recordedDigest) {
    Entry current = serverEntries.get(key);
    boolean secret = digest != null;
    boolean replace = ImportPlan.replaces(Key.parse(key));
    boolean same = current != null && current.replace() == replace && (secret
        ? current.secret() && recordedDigest.asText("").equals(digest)
        : !current.secret() && same(value, current.value()));
    if (same) {
      return;
    }
    if (current != null && current.secret() && !secret) {
      // A secret stays one until deleted: to make the variable plain again, delete it first.
      entries.add(new Operation(op("delete").put("key", key), "delete " + key + " (secret, to store it plain)"));
    }
    ObjectNode op = op("put").put("key", key);
    op.set("value", value);
    if (secret) {
      op.put("secret", true);
    }
    op.put("replace", replace);
    String was = current == null ? "" : current.secret() ? " (was a secret)" : " (was " + current.value() + ")";
    entries.add(new Operation(op, "put " + key + (secret ? " = (secret)" : " = " + value + was)));
  }

  private void recordDigests(Map<String, String> digests, JsonNode recorded) {
    if (digests.isEmpty() && serverEntries.containsKey(DIGESTS_KEY.toString())) {
      entries.add(new Operation(op("delete").put("key", DIGESTS_KEY.toString()), "delete " + DIGESTS_KEY));
    } else if (!digests.isEmpty() && !ApiClient.JSON.valueToTree(digests).equals(recorded)) {
      ObjectNode op = op("put").put("key", DIGESTS_KEY.toString());
      op.set("value", ApiClient.JSON.valueToTree(digests));
      entries.add(new Operation(op, "put " + DIGESTS_KEY + " (digests of " + digests.size() + " secret(s))"));
    }
  }

  /** Deletes the import's entries the plan no longer has; those of groups that left only with {@code prune}. */
  private void deleteWhatLeft(Map<String, JsonNode> planned, boolean prune) {
    Set<String> leftGroups = new TreeSet<>();
    serverEntries.forEach((key, entry) -> {
      if (planned.containsKey(key)) {
        return;
      }
      Owner owner = owner(Key.parse(key));
      if (owner == Owner.OURS || owner == Owner.GONE_GROUP && prune) {
        entries.add(new Operation(op("delete").put("key", key), "delete " + key
            + (entry.secret() ? " (was a secret)" : " (was " + entry.value() + ")")));
      } else if (owner == Owner.GONE_GROUP) {
        leftGroups.add(Key.parse(key).scope().toString());
      }
    });
    leftGroups.forEach(scope -> left.add("group " + scope.substring("groups/".length())));
  }

  private enum Owner { OURS, GONE_GROUP, OTHER }

  /**
   * Whose an entry is: the import's (its namespace, in a group {@code ansible/*} of the inventory or
   * a device it imports), of an {@code ansible/*} group no longer in the inventory, or someone else's.
   */
  private Owner owner(Key key) {
    boolean inNamespace = key.path().segments().size() == 2 && key.path().segments().get(0).equals(plan.namespace());
    if (!inNamespace) {
      return Owner.OTHER;
    }
    return switch (key.scope()) {
      case Scope.Group g when ours(g.group().value()) -> plan.groupNames().contains(g.group())
          ? Owner.OURS : Owner.GONE_GROUP;
      // A device gone from the inventory keeps its entries, or loses them all with it (--prune).
      case Scope.Device d when plan.deviceGroups().containsKey(d.device()) -> Owner.OURS;
      default -> Owner.OTHER;
    };
  }

  private static boolean ours(String group) {
    return group.startsWith(ImportPlan.KIND + "/");
  }

  private static boolean same(JsonNode planned, JsonNode current) {
    try {
      return ApiClient.JSON.readTree(planned.toString()).equals(ApiClient.JSON.readTree(current.toString()));
    } catch (IOException e) {
      return false;
    }
  }

  private static ObjectNode op(String kind) {
    return ApiClient.JSON.createObjectNode().put("op", kind);
  }
}
