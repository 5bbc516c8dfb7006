package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The way back: devices and entries as an Ansible inventory ({@code hosts.yml},
 * {@code group_vars/<group>.yml}, {@code host_vars/<host>.yml}) that {@code ansible-inventory} reads
 * to each device's effective variables. Group {@code ansible/<g>}'s entries become
 * {@code group_vars/<g>.yml} (with {@code defaults} and {@code global} below {@code all}'s); where
 * Ansible's order of the groups and its replacing of dicts would give a host another value than
 * fleetconf's merge gives its device, the host's file states fleetconf's value (docs/ansible.md, "Export").
 */
public final class InventoryExport {
  /** Where the import keeps the inventory's groups and children (docs/ansible.md). */
  public static final Key SHAPE = Key.parse("global/ansible/inventory");

  /** A device to export and its groups, lowest precedence first. */
  public record Device(DeviceId id, List<GroupName> groups) {}

  /** The vault password and id that secrets are encrypted with. */
  public record Vaulting(byte[] password, String vaultId) {}

  private record Vars(ObjectNode values, Set<String> secret) {}

  private final String namespace;
  private final Map<Scope, Layer> layers = new HashMap<>();
  private final Map<Scope, List<Entry>> byScope = new HashMap<>();
  private final Set<Key> secretKeys = new java.util.HashSet<>();
  private final Set<Key> exportedSecrets = new TreeSet<>();
  private final Map<String, Vars> groupVars = new LinkedHashMap<>();
  private final Map<String, Vars> hostVars = new LinkedHashMap<>();
  private final ExportShape shape;

  private InventoryExport(String namespace, Collection<Entry> entries, ExportShape shape) {
    this.namespace = namespace;
    this.shape = shape;
    entries.forEach(entry -> {
      byScope.computeIfAbsent(entry.key().scope(), s -> new ArrayList<>()).add(entry);
      if (entry.secret()) {
        secretKeys.add(entry.key());
      }
    });
  }

  /** Plans the export of {@code devices}, the variables being namespace {@code namespace} of {@code entries}. */
  public static InventoryExport of(List<Device> devices, Collection<Entry> entries, String namespace) {
    Map<String, List<String>> hostGroups = new LinkedHashMap<>();
    devices.forEach(device -> hostGroups.put(device.id().value(), device.groups().stream()
        .map(GroupName::value).filter(g -> g.startsWith(ImportPlan.KIND + "/"))
        .map(g -> g.substring(ImportPlan.KIND.length() + 1)).filter(g -> !g.equals("all")).toList()));
    Optional<JsonNode> recorded = entries.stream().filter(e -> e.key().equals(SHAPE)).map(Entry::value).findFirst();
    InventoryExport export = new InventoryExport(namespace, entries, ExportShape.of(hostGroups, recorded));
    Inventory model = export.shape.inventory();
    for (String group : model.groups()) {
      List<Scope> scopes = new ArrayList<>(group.equals("all") ? List.of(new Scope.Defaults(), new Scope.Global()) : List.of());
      groupScope(group).ifPresent(scopes::add);
      export.groupVars.put(group, export.vars(scopes));
    }
    devices.forEach(device -> export.hostVars.put(device.id().value(), export.hostVars(device, model)));
    return export;
  }

  /** The secret entries whose values the files would hold: they need a vault password, or leaving out. */
  public List<Key> secrets() {
    return List.copyOf(exportedSecrets);
  }

  /**
   * The files, by path relative to the inventory directory. Secret variables are {@code !vault}
   * strings; a file with a secret that is not a string is vault-encrypted whole.
   */
  public Map<String, String> files(Optional<Vaulting> vaulting) {
    if (!exportedSecrets.isEmpty() && vaulting.isEmpty()) {
      throw new AnsibleException("no vault password to encrypt the secrets " + exportedSecrets + " with");
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put("hosts.yml", shape.hostsYaml());
    groupVars.forEach((group, vars) -> file(vars, vaulting).ifPresent(text -> files.put("group_vars/" + group + ".yml", text)));
    hostVars.forEach((host, vars) -> file(vars, vaulting).ifPresent(text -> files.put("host_vars/" + host + ".yml", text)));
    return files;
  }

  private static Optional<String> file(Vars vars, Optional<Vaulting> vaulting) {
    if (vars.values().isEmpty()) {
      return Optional.empty();
    }
    if (vars.secret().isEmpty()) {
      return Optional.of(VarsYaml.write(vars.values()));
    }
    Vaulting vault = vaulting.orElseThrow();
    UnaryOperator<String> encrypt = text -> Vault.encrypt(text.getBytes(StandardCharsets.UTF_8), vault.password(), vault.vaultId());
    boolean strings = vars.secret().stream().allMatch(name -> vars.values().get(name).isTextual());
    return Optional.of(strings ? VarsYaml.write(vars.values(), vars.secret(), encrypt)
        : encrypt.apply(VarsYaml.write(vars.values())));
  }

  /**
   * The host's own entries, plus every variable whose value Ansible would take from the groups
   * differently from the device's merged value (fleetconf merges dicts deeply and may order
   * groups so that depth and priority cannot say it).
   */
  private Vars hostVars(Device device, Inventory model) {
    Scope own = new Scope.Device(device.id());
    Vars vars = vars(List.of(own));
    List<Scope> scopes = new ArrayList<>(List.of(new Scope.Defaults(), new Scope.Global()));
    device.groups().forEach(group -> scopes.add(new Scope.Group(group)));
    scopes.add(own);
    EffectiveConfig merged = merge(scopes);
    ObjectNode expected = merged.tree();
    ObjectNode ansible = vars.values().objectNode();
    model.groupsOf(device.id().value()).forEach(group -> ansible.setAll(groupVars.getOrDefault(group, empty()).values()));
    ansible.setAll(vars.values());
    Set<String> names = new LinkedHashSet<>();
    ansible.fieldNames().forEachRemaining(names::add);
    expected.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode wanted = expected.get(name);
      if (!Objects.equals(ansible.get(name), wanted)) {
        // No Ansible value deletes a lower one: a variable fleetconf deleted comes out null.
        vars.values().set(name, wanted == null ? NullNode.instance : wanted);
        secretOrigins(merged, name::equals).forEach(key -> {
          vars.secret().add(name);
          exportedSecrets.add(key);
        });
      }
    }
    return vars;
  }

  private static Vars empty() {
    return new Vars(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), Set.of());
  }

  /** The namespace of {@code scopes} merged, and which of its variables hold a secret. */
  private Vars vars(List<Scope> scopes) {
    EffectiveConfig merged = merge(scopes);
    Set<String> secret = new LinkedHashSet<>();
    merged.provenance().forEach((path, origin) -> {
      if (secretKeys.contains(origin.key())) {
        secret.add(path.split("/", 2)[0]);
        exportedSecrets.add(origin.key());
      }
    });
    return new Vars(merged.tree().deepCopy(), secret);
  }

  private Stream<Key> secretOrigins(EffectiveConfig merged, java.util.function.Predicate<String> variable) {
    return merged.provenance().entrySet().stream()
        .filter(e -> variable.test(e.getKey().split("/", 2)[0]) && secretKeys.contains(e.getValue().key()))
        .map(e -> e.getValue().key());
  }

  private EffectiveConfig merge(List<Scope> scopes) {
    List<Layer> list = scopes.stream().map(this::layer).toList();
    return EffectiveConfig.merge(list).namespace(namespace);
  }

  private Layer layer(Scope scope) {
    return layers.computeIfAbsent(scope, s -> Layer.of(byScope.getOrDefault(s, List.of())));
  }

  private static Optional<Scope> groupScope(String ansibleGroup) {
    try {
      return Optional.of(new Scope.Group(ImportPlan.groupName(ansibleGroup)));
    } catch (InvalidInputException e) {
      return Optional.empty(); // a group fleetconf cannot name holds no entries
    }
  }
}
