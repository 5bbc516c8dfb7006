package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.ansible.Decryptor;
import io.fleetconf.ansible.ImportPlan;
import io.fleetconf.ansible.Inventory;
import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fleetconf import ansible} against a real server: every host's effective {@code vars} equals
 * real {@code ansible-inventory}'s after one change set; a second run writes nothing; {@code
 * --dry-run} prints the diff and writes nothing; {@code --prune}; refusals write nothing.
 */
class AnsibleImportTest {
  static final Path INVENTORIES = Path.of("../fleetconf-ansible/src/test/resources/inventories");
  @TempDir Path dir;
  @RegisterExtension final TestServer server = TestServer.fresh();

  @ParameterizedTest
  @ValueSource(strings = {"ini/hosts", "yaml", "priorities"})
  void everyDeviceGetsAnsiblesVariablesInOneChangeSetAndASecondRunWritesNothing(String source) throws Exception {
    Path inventory = INVENTORIES.resolve(source).toAbsolutePath();
    JsonNode hostvars = CliRun.JSON.readTree(RealAnsible.run(dir, RealAnsible.command("ansible-inventory").toString(),
        "-i", inventory.toString(), "--list")).path("_meta").path("hostvars");

    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("revision 1: " + hostvars.size() + " device change(s), ");
    assertThat(history()).isEqualTo(1);

    List<String> hosts = new ArrayList<>();
    hostvars.fieldNames().forEachRemaining(hosts::add);
    for (String host : hosts) {
      assertThat(vars(host)).as(host).isEqualTo(hostvars.get(host));
      assertThat(server.get("/api/v1/devices/" + host).json().get("labels").toString())
          .isEqualTo("{\"fleetconf.io/source\":\"ansible\"}");
    }
    JsonNode shape = ImportPlan.of(Inventory.read(inventory, Decryptor.REFUSE), "vars")
        .entries().get(ImportPlan.INVENTORY_KEY);
    assertThat(server.get("/api/v1/entries/global/ansible/inventory").json().get("value").toString())
        .isEqualTo(shape.toString());

    CliRun again = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(again.out()).isEqualTo("nothing changed\n");
    assertThat(history()).isEqualTo(1);
  }

  /** Every host of the shapes inventory: {@code ansible-inventory --host} equals the server's effective vars. */
  @Test
  void everyShapeOfInventoryComesOutAsAnsibleInventoryHostShowsIt() throws Exception {
    Path inventory = INVENTORIES.resolve("shapes").toAbsolutePath();
    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    List<String> hosts = List.of("lonely", "bastion", "web01", "web02", "web03", "db1");
    assertThat(server.get("/api/v1/devices").json().findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(hosts);
    for (String host : hosts) {
      JsonNode expected = CliRun.JSON.readTree(RealAnsible.run(dir, RealAnsible.command("ansible-inventory").toString(),
          "-i", inventory.toString(), "--host", host));
      assertThat(vars(host)).as(host).isEqualTo(expected);
    }
    assertThat(vars("web02").get("motd").asText()).isEqualTo("line one\nlinha dois ✓\n");
    assertThat(vars("db1").get("big").toString()).isEqualTo("12345678901234567890");
  }

  @Test
  void aChangedInventoryIsOneChangeSetAndDryRunPrintsTheDiff() throws Exception {
    Path inventory = copy(INVENTORIES.resolve("yaml"), dir.resolve("yaml"));
    assertThat(CliRun.fleetconf(server, "import", "ansible", inventory.toString()).status()).isZero();
    int changeSets = history();
    JsonNode before = vars("web1");
    Files.writeString(inventory.resolve("host_vars/web1/vars.yml"), "tags: [c]\n");

    CliRun dryRun = CliRun.fleetconf(server, "import", "ansible", "--dry-run", inventory.toString());
    assertThat(dryRun.out()).isEqualTo("put devices/web1/vars/http_port = 80 (was 81)\n"
        + "dry run: 0 device change(s), 1 entry change(s); nothing written\n");
    assertThat(history()).isEqualTo(changeSets);
    assertThat(vars("web1")).isEqualTo(before);

    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.out()).isEqualTo("revision " + (changeSets + 1) + ": 0 device change(s), 1 entry change(s)\n");
    assertThat(vars("web1").get("http_port").intValue()).isEqualTo(80);

    Files.writeString(inventory.resolve("host_vars/web1/vars.yml"), "tags: [d]\n");
    CliRun changed = CliRun.fleetconf(server, "import", "ansible", "--dry-run", inventory.toString());
    assertThat(changed.out()).isEqualTo("put devices/web1/vars/tags = [\"d\"] (was [\"c\"])\n"
        + "dry run: 0 device change(s), 1 entry change(s); nothing written\n");
  }

  @Test
  void hostsAndGroupsGoneFromTheInventoryStayUnlessPruned() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1\nw2\n[db]\nd1\n[db:vars]\nport=5432\n[web:vars]\nport=80\n");
    server.post("/api/v1/devices", "{\"id\": \"keep\", \"groups\": [\"site/x\", \"ansible/web\"]}");
    assertThat(CliRun.fleetconf(server, "import", "ansible", hosts.toString()).status()).isZero();
    Files.writeString(hosts, "[web]\nw1\nd1\n[web:vars]\nport=80\n");

    CliRun kept = CliRun.fleetconf(server, "import", "ansible", hosts.toString());
    assertThat(kept.out()).isEqualTo("revision 3: 1 device change(s), 1 entry change(s); left alone, no longer in the "
        + "inventory (--prune removes them): host keep, host w2, group ansible/db\n");
    assertThat(server.get("/api/v1/devices/w2").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/groups/ansible/db/vars/port").status()).isEqualTo(200);

    CliRun dryRun = CliRun.fleetconf(server, "import", "ansible", "--prune", "--dry-run", hosts.toString());
    assertThat(dryRun.out()).isEqualTo("""
        delete groups/ansible/db/vars/port (was 5432)
        update device keep groups [site/x, ansible/web] -> [site/x]
        delete device w2
        dry run: 2 device change(s), 1 entry change(s); nothing written
        """);
    CliRun pruned = CliRun.fleetconf(server, "import", "ansible", "--prune", hosts.toString());
    assertThat(pruned.out()).isEqualTo("revision 4: 2 device change(s), 1 entry change(s)\n");
    assertThat(server.get("/api/v1/devices/w2").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/devices/keep").json().get("groups").toString()).isEqualTo("[\"site/x\"]");
    assertThat(server.get("/api/v1/entries/groups/ansible/db/vars/port").status()).isEqualTo(404);
    assertThat(vars("d1")).isEqualTo(CliRun.JSON.readTree("{\"port\":80}"));
    assertThat(CliRun.fleetconf(server, "import", "ansible", "--prune", hosts.toString()).out()).isEqualTo("nothing changed\n");
  }

  /** Issue 16: Ansible's nulls used to be refused (or dropped); they are values, top level and nested. */
  @Test
  void nullVariablesImportAsNullsAsAnsibleInventoryHostShowsThem() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1 opts=\"{'a': None, 'b': 1}\" proxy=None\nw2\n"
        + "[web:vars]\nproxy=http://proxy:3128\n");
    Files.createDirectory(dir.resolve("group_vars"));
    Files.writeString(dir.resolve("group_vars/all.yml"), "nothing: ~\nport: 80\nopts: {a: 2, c: {d: 3}}\n");
    CliRun imported = CliRun.fleetconf(server, "import", "ansible", hosts.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    for (String host : List.of("w1", "w2")) {
      JsonNode expected = CliRun.JSON.readTree(RealAnsible.run(dir, RealAnsible.command("ansible-inventory").toString(),
          "-i", hosts.toString(), "--host", host));
      assertThat(vars(host)).as(host).isEqualTo(expected);
    }
    assertThat(vars("w1").toString()).isEqualTo("{\"nothing\":null,\"opts\":{\"a\":null,\"b\":1},"
        + "\"port\":80,\"proxy\":null}");
    assertThat(server.get("/api/v1/entries/devices/w1/vars/proxy").json().get("replace").asBoolean()).isTrue();
    assertThat(CliRun.fleetconf(server, "import", "ansible", hosts.toString()).out()).isEqualTo("nothing changed\n");
  }

  /** {@code --drop-nulls} is kept so that scripts still run; it changes nothing now. */
  @Test
  void dropNullsIsAcceptedAndIgnored() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1 proxy=None\n");
    CliRun imported = CliRun.fleetconf(server, "import", "ansible", "--drop-nulls", hosts.toString());
    assertThat(imported.status()).isZero();
    assertThat(imported.err()).isEqualTo("import: --drop-nulls is ignored: null values are imported as null\n");
    assertThat(vars("w1").toString()).isEqualTo("{\"proxy\":null}");
  }

  @Test
  void namesFleetconfCannotStoreAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1\n[web+db]\nw2\n");
    CliRun group = CliRun.fleetconf(server, "import", "ansible", hosts.toString());
    assertThat(group.status()).isEqualTo(1);
    assertThat(group.err()).isEqualTo("fleetconf: group 'web+db' (as fleetconf group ansible/web+db) cannot be stored "
        + "in fleetconf: group name 'ansible/web+db' has an illegal character in segment 'web+db'; allowed are letters, "
        + "digits, '_', '-' and '.'\n");
    Files.writeString(hosts, "[web]\nw1\nadmin@w2\n");
    CliRun host = CliRun.fleetconf(server, "import", "ansible", hosts.toString());
    assertThat(host.err()).isEqualTo("fleetconf: host 'admin@w2' cannot be stored in fleetconf: device id 'admin@w2' "
        + "has an illegal character in segment 'admin@w2'; allowed are letters, digits, '_', '-' and '.'\n");
    Files.writeString(hosts, "[web]\nw1\n");
    CliRun reserved = CliRun.fleetconf(server, "import", "ansible", "--namespace", "ansible", hosts.toString());
    assertThat(reserved.err()).isEqualTo("fleetconf: namespace 'ansible' is reserved for the import's own entry "
        + "global/ansible/inventory; choose another, e.g. vars\n");
    assertThat(history()).isZero();
    assertThat(server.get("/api/v1/devices").json().get("devices").size()).isZero();
  }

  @Test
  void progressGoesToStderrOnlyWhenAskedOrOnATerminal() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nw1\nw2\n");
    CliRun quiet = CliRun.fleetconf(server, "import", "ansible", "--dry-run", "--json", hosts.toString());
    assertThat(quiet.err()).isEmpty();
    JsonNode would = CliRun.JSON.readTree(quiet.out());
    assertThat(would.get("operations").findValuesAsText("op")).containsExactly("create-device", "create-device", "put");
    CliRun shown = CliRun.fleetconf(server, "import", "ansible", "--progress", hosts.toString());
    assertThat(shown.err()).isEqualTo("import: reading " + hosts + "\n"
        + "import: read 2 host(s) and 3 group(s)\n"
        + "import: planned 1 entry(ies), 0 secret\n"
        + "import: reading the server's devices and entries\n"
        + "import: 2 device change(s), 1 entry change(s) to make\n"
        + "import: committing 3 operation(s) as one change set\n");
  }

  JsonNode vars(String host) {
    TestServer.Reply reply = server.get("/api/v1/devices/" + host + "/config/vars");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("config");
  }

  int history() throws Exception {
    return CliRun.JSON.readTree(CliRun.fleetconf(server, "history", "--json").out()).get("changeSets").size();
  }

  static Path copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return to;
  }
}
