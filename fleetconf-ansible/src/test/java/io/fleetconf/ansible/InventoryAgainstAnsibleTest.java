package io.fleetconf.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.testing.RealAnsible;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each host's variables, read by us and by real {@code ansible-inventory --list}, are equal as JSON;
 * and so are fleetconf's effective {@code vars} merged by core from the entries the import plans.
 */
class InventoryAgainstAnsibleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path INVENTORIES = Path.of("src/test/resources/inventories");

  @ParameterizedTest
  @ValueSource(strings = {"ini/hosts", "yaml", "priorities", "shapes"})
  void everyHostHasAnsiblesVariables(String source, @TempDir Path work) throws Exception {
    assertEveryHostHasAnsiblesVariables(INVENTORIES.resolve(source).toAbsolutePath(), work);
  }

  /** Reads {@code inventory} as we do and as ansible-inventory does, and plans its import: the same variables. */
  static void assertEveryHostHasAnsiblesVariables(Path inventory, Path work) throws Exception {
    Path ansible = RealAnsible.command("ansible-inventory");
    JsonNode hostvars = JSON.readTree(RealAnsible.run(work, ansible.toString(), "-i", inventory.toString(), "--list"))
        .path("_meta").path("hostvars");

    Inventory ours = Inventory.read(inventory, Decryptor.REFUSE);

    TreeSet<String> theirHosts = new TreeSet<>();
    hostvars.fieldNames().forEachRemaining(theirHosts::add);
    assertEquals(theirHosts, new TreeSet<>(ours.hosts()), "hosts with variables");
    List<String> differing = new ArrayList<>();
    for (String host : ours.hosts()) {
      JsonNode expected = hostvars.path(host);
      JsonNode actual = JSON.readTree(JSON.writeValueAsString(ours.vars(host)));
      if (!expected.equals(actual)) {
        differing.add(host + ":\n  ansible: " + expected + "\n  ours:    " + actual);
      }
    }
    assertEquals(List.of(), differing);

    ImportPlan plan = ImportPlan.of(ours, "vars");
    Map<Scope, List<Entry>> byScope = new HashMap<>();
    plan.entries().forEach((key, value) -> byScope.computeIfAbsent(key.scope(), s -> new ArrayList<>())
        .add(new Entry(key, value, Revision.ZERO, Revision.ZERO, 1, false, 0, ImportPlan.replaces(key))));
    for (String host : ours.hosts()) {
      Device device = new Device(DeviceId.of(host), plan.deviceGroups().get(DeviceId.of(host)), Map.of());
      List<Layer> layers = device.scopes().stream().map(s -> Layer.of(byScope.getOrDefault(s, List.of()))).toList();
      JsonNode effective = JSON.readTree(JSON.writeValueAsString(EffectiveConfig.merge(layers).namespace("vars").tree()));
      JsonNode expected = hostvars.path(host);
      // Equal as JSON, null values included.
      if (!expected.equals(effective)) {
        differing.add(host + ":\n  ansible:   " + expected + "\n  fleetconf: " + effective);
      }
    }
    assertEquals(List.of(), differing, "fleetconf's effective vars after the import");
  }

  /** The global/ansible/inventory entry against --list, which leaves out empty lists, empty groups and priorities. */
  @ParameterizedTest
  @ValueSource(strings = {"ini/hosts", "yaml", "priorities", "shapes"})
  void theInventoryEntryHasEveryGroupAsAnsibleListsIt(String source, @TempDir Path work) throws Exception {
    Path inventory = INVENTORIES.resolve(source).toAbsolutePath();
    ObjectNode listed = (ObjectNode) JSON.readTree(RealAnsible.run(work,
        RealAnsible.command("ansible-inventory").toString(), "-i", inventory.toString(), "--list"));
    listed.remove("_meta");
    JsonNode shape = ImportPlan.of(Inventory.read(inventory, Decryptor.REFUSE), "vars")
        .entries().get(ImportPlan.INVENTORY_KEY);

    ObjectNode asListed = JSON.createObjectNode();
    shape.get("groups").properties().forEach(group -> {
      ObjectNode copy = JSON.createObjectNode();
      for (String list : List.of("children", "hosts")) {
        if (!group.getValue().get(list).isEmpty()) {
          copy.set(list, group.getValue().get(list));
        }
      }
      if (!copy.isEmpty()) {
        asListed.set(group.getKey(), copy);
      }
    });
    assertEquals(listed, asListed);
    assertEquals(fieldNames(listed), fieldNames(asListed), "group order");
    if (source.equals("priorities")) {
      assertEquals("{\"hosts\":[\"h1\",\"h2\"],\"children\":[],\"priority\":10}", shape.at("/groups/alpha").toString());
      assertEquals(JSON.readTree("{\"hosts\":[\"h1\",\"h3\"],\"children\":[]}"), shape.at("/groups/beta"));
    }
    if (source.equals("shapes")) {
      assertEquals("{\"hosts\":[],\"children\":[]}", shape.at("/groups/empty_group").toString());
      assertEquals("{\"hosts\":[],\"children\":[\"ungrouped\",\"web\",\"region\",\"empty_group\",\"dbs\"]}",
          shape.at("/groups/all").toString());
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aHostsGroupsComeInAnsiblesOrder() {
    Inventory ours = Inventory.read(INVENTORIES.resolve("ini/hosts"), Decryptor.REFUSE);
    assertEquals(List.of("all", "sites", "dvr"), ours.groupsOf("dvr9"));
    assertEquals(List.of("all", "sites", "dvr", "edge"), ours.groupsOf("edge2"));
  }

  @Test
  void aNameFleetconfCannotStoreIsRefusedWithTheRule(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("hosts"), "[web+db]\nweb1\n");
    AnsibleException group = assertThrows(AnsibleException.class,
        () -> ImportPlan.of(Inventory.read(dir, Decryptor.REFUSE), "vars"));
    assertEquals("group 'web+db' (as fleetconf group ansible/web+db) cannot be stored in fleetconf: group name "
        + "'ansible/web+db' has an illegal character in segment 'web+db'; allowed are letters, digits, '_', '-' and '.'",
        group.getMessage());

    Files.writeString(dir.resolve("hosts"), "[web]\nadmin@web1\n");
    AnsibleException host = assertThrows(AnsibleException.class,
        () -> ImportPlan.of(Inventory.read(dir, Decryptor.REFUSE), "vars"));
    assertEquals("host 'admin@web1' cannot be stored in fleetconf: device id 'admin@web1' has an illegal character "
        + "in segment 'admin@web1'; allowed are letters, digits, '_', '-' and '.'", host.getMessage());
  }

  @Test
  void vaultValueWithoutPasswordIsRefusedNamingTheFileAndVariable(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("hosts"), "h1\n");
    Files.createDirectory(dir.resolve("group_vars"));
    Path secret = dir.resolve("group_vars/all.yml");
    Files.writeString(secret, "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n");
    AnsibleException refused = assertThrows(AnsibleException.class, () -> Inventory.read(dir, Decryptor.REFUSE));
    assertEquals(secret + " (/password): a !vault value is vault-encrypted and no vault password was given; "
        + "give --vault-password-file to import it", refused.getMessage());
  }

  /** An INI inventory encrypted whole by the real ansible-vault reads as ansible-inventory reads it, every variable vaulted. */
  @Test
  void aWhollyEncryptedIniInventoryReadsAsAnsibleReadsIt(@TempDir Path dir) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1 port=8080 token=abc\n[web:vars]\nregion=eu\n");
    Path password = Files.writeString(dir.resolve("pw"), "pw\n");
    RealAnsible.run(dir, RealAnsible.command("ansible-vault").toString(), "encrypt", "--vault-password-file",
        password.toString(), hosts.toString());
    JsonNode expected = JSON.readTree(RealAnsible.run(dir, RealAnsible.command("ansible-inventory").toString(),
        "-i", hosts.toString(), "--vault-password-file", password.toString(), "--host", "w1"));

    Inventory read = Inventory.read(hosts, Decryptor.fromPasswordFile(password));
    assertEquals(expected, JSON.readTree(read.vars("w1").toString()));
    assertEquals(java.util.Set.of("port", "token", "region"), read.vaulted("w1"));
    AnsibleException refused = assertThrows(AnsibleException.class, () -> Inventory.read(hosts, Decryptor.REFUSE));
    assertEquals(hosts + ": the whole file is vault-encrypted and no vault password was given; give "
        + "--vault-password-file to import it", refused.getMessage());
  }

  @Test
  void iniValuesAsPythonsLiteralEval() {
    Map<String, String> cases = Map.of("8080", "8080", "1.10", "1.1", "'1.10'", "\"1.10\"", "yes", "\"yes\"",
        "None", "null", "[1, 'a']", "[1,\"a\"]", "010", "\"010\"", "-0x10", "-16", "1 # note", "1");
    cases.forEach((text, json) -> {
      try {
        assertEquals(JSON.readTree(json), JSON.readTree(IniValue.parse(text).toString()), text);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

}
