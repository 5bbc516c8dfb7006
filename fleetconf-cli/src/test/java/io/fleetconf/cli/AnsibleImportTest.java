package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.ansible.ImportPlan;
import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetconf import ansible} against a real server: every host's effective {@code vars} equals
 * real {@code ansible-inventory}'s; a second run writes nothing; {@code --dry-run} writes nothing.
 */
class AnsibleImportTest {
  private static final Path INVENTORIES = Path.of("../fleetconf-ansible/src/test/resources/inventories");
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.on(dir.resolve("data")).startNow();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyDeviceGetsAnsiblesVariablesAndASecondRunWritesNothing() throws Exception {
    Path ansible = RealAnsible.command("ansible-inventory");
    Path inventory = INVENTORIES.resolve("ini/hosts").toAbsolutePath();
    JsonNode hostvars = CliRun.JSON.readTree(RealAnsible.run(dir, ansible.toString(), "-i", inventory.toString(), "--list"))
        .path("_meta").path("hostvars");

    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    // Revisions 1-6 register the devices: the change-set API has no device operation yet.
    assertThat(imported.out()).startsWith("revision 7: 6 device change(s), ");

    List<String> hosts = new ArrayList<>();
    hostvars.fieldNames().forEachRemaining(hosts::add);
    assertThat(hosts).hasSize(6);
    for (String host : hosts) {
      assertThat(vars(host)).as(host).isEqualTo(ImportPlan.withoutNulls((ObjectNode) hostvars.get(host)));
    }
    int changeSets = history();

    CliRun again = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(again.out()).isEqualTo("nothing changed\n");
    assertThat(history()).isEqualTo(changeSets);
  }

  @Test
  void aChangedInventoryIsOneChangeSetAndDryRunWritesNothing() throws Exception {
    Path inventory = copy(INVENTORIES.resolve("yaml"), dir.resolve("yaml"));
    assertThat(CliRun.fleetconf(server, "import", "ansible", inventory.toString()).status()).isZero();
    int changeSets = history();
    Files.writeString(inventory.resolve("host_vars/web1/vars.yml"), "tags: [c]\n");

    CliRun dryRun = CliRun.fleetconf(server, "import", "ansible", "--dry-run", inventory.toString());
    assertThat(dryRun.out()).isEqualTo("put devices/web1/vars/http_port = 80\n"
        + "dry run: 0 device change(s), 1 entry change(s); nothing written\n");
    assertThat(history()).isEqualTo(changeSets);

    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.out()).isEqualTo("revision " + (changeSets + 1) + ": 0 device change(s), 1 entry change(s)\n");
    assertThat(vars("web1").get("http_port").intValue()).isEqualTo(80);
  }

  @Test
  void aVaultValueWithoutPasswordIsRefusedAndNothingIsWritten() throws Exception {
    Files.writeString(dir.resolve("hosts"), "h1\n");
    Files.createDirectory(dir.resolve("group_vars"));
    Files.writeString(dir.resolve("group_vars/all.yml"), "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n");
    CliRun refused = CliRun.fleetconf(server, "import", "ansible", dir.resolve("hosts").toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).endsWith("fleetconf: " + dir.resolve("group_vars/all.yml")
        + " holds vault-encrypted data; give --vault-password-file to import it\n");
    assertThat(history()).isZero();
  }

  private JsonNode vars(String host) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/devices/" + host + "/config/vars"))
        .header("Authorization", "Bearer " + server.token()).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return CliRun.JSON.readTree(response.body()).get("config");
  }

  private int history() throws Exception {
    return CliRun.JSON.readTree(CliRun.fleetconf(server, "history", "--json").out()).get("changeSets").size();
  }

  private static Path copy(Path from, Path to) throws Exception {
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
