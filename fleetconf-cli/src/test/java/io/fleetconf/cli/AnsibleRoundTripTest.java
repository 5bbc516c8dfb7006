package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trip with real Ansible: each test inventory imported into a real server, exported
 * again, and {@code ansible-inventory --list} of the export gives every host the original's
 * variables; given the inventory's shape, it gives the original's groups and children too.
 */
class AnsibleRoundTripTest {
  static final Path INVENTORIES = Path.of("../fleetconf-ansible/src/test/resources/inventories");
  /** Priorities are not in {@code --list}'s output; the shape entry carries them (docs/ansible.md). */
  private static final Map<String, Map<String, Integer>> PRIORITIES = Map.of("priorities/inventory.yaml",
      Map.of("alpha", 10, "gamma", 5));
  @TempDir Path dir;
  @RegisterExtension final TestServer server = TestServer.fresh();

  @ParameterizedTest
  @ValueSource(strings = {"ini/hosts", "yaml", "priorities/inventory.yaml"})
  void exportOfAnImportGivesEveryHostTheOriginalVariables(String inventory) throws Exception {
    JsonNode original = imported(inventory);
    server.delete("/api/v1/entries/global/ansible/inventory"); // flat groups, whatever the import wrote

    JsonNode exported = export();
    assertSameHostvars(exported, original);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ini/hosts", "yaml", "priorities/inventory.yaml"})
  void withTheInventorysShapeTheExportHasItsGroupsAndChildrenToo(String inventory) throws Exception {
    JsonNode original = imported(inventory);
    server.put("/api/v1/entries/global/ansible/inventory", shape(original, PRIORITIES.getOrDefault(inventory, Map.of())).toString());

    JsonNode exported = export();
    assertSameHostvars(exported, original);
    ObjectNode groups = ((ObjectNode) original.deepCopy()).without("_meta");
    JsonNode exportedGroups = ((ObjectNode) exported.deepCopy()).without("_meta");
    assertThat(exportedGroups).isEqualTo(groups);
  }

  private JsonNode imported(String inventory) throws Exception {
    Path path = INVENTORIES.resolve(inventory).toAbsolutePath();
    CliRun imported = CliRun.fleetconf(server, "import", "ansible", path.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    return list(path);
  }

  private JsonNode export() throws Exception {
    CliRun exported = CliRun.fleetconf(server, "export", "ansible", "--to", dir.resolve("export").toString());
    assertThat(exported.status()).as(exported.err()).isZero();
    return list(dir.resolve("export"));
  }

  static JsonNode list(Path inventory) throws Exception {
    return CliRun.JSON.readTree(RealAnsible.run(inventory.toAbsolutePath().getParent(),
        RealAnsible.command("ansible-inventory").toString(), "-i", inventory.toAbsolutePath().toString(), "--list"));
  }

  /** Every host's variables equal as JSON, nulls included. */
  static void assertSameHostvars(JsonNode exported, JsonNode original) {
    JsonNode want = original.path("_meta").path("hostvars");
    JsonNode got = exported.path("_meta").path("hostvars");
    List<String> hosts = new ArrayList<>();
    want.fieldNames().forEachRemaining(hosts::add);
    List<String> exportedHosts = new ArrayList<>();
    got.fieldNames().forEachRemaining(exportedHosts::add);
    assertThat(exportedHosts).containsExactlyInAnyOrderElementsOf(hosts);
    for (String host : hosts) {
      assertThat(got.get(host)).as(host).isEqualTo(want.get(host));
    }
  }

  /** The {@code global/ansible/inventory} value (the import's contract) for an inventory's {@code --list}. */
  static ObjectNode shape(JsonNode list, Map<String, Integer> priorities) {
    ObjectNode groups = CliRun.JSON.createObjectNode();
    list.properties().forEach(group -> {
      if (!group.getKey().equals("_meta")) {
        ObjectNode node = groups.putObject(group.getKey());
        node.set("hosts", group.getValue().has("hosts") ? group.getValue().get("hosts") : CliRun.JSON.createArrayNode());
        node.set("children", group.getValue().has("children") ? group.getValue().get("children") : CliRun.JSON.createArrayNode());
        if (priorities.containsKey(group.getKey())) {
          node.put("priority", priorities.get(group.getKey()));
        }
      }
    });
    ObjectNode shape = CliRun.JSON.createObjectNode();
    shape.set("groups", groups);
    return shape;
  }
}
