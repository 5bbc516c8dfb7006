package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.RepositoryLayout;
import io.fleetconf.server.git.GitSettings;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --git-format ansible}: a server following an Ansible inventory directory in Git holds
 * what {@code fleetconf import ansible} of that directory gives another server.
 */
class GitAnsibleFormatTest {
  @RegisterExtension final TestServer imported = TestServer.fresh();
  @TempDir Path dir;
  private TestServer following;
  private TestGit git;

  @AfterEach
  void stop() {
    if (following != null) {
      following.stop();
    }
    if (git != null) {
      git.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ini", "shapes", "priorities"})
  void anInventoryInGitGivesWhatImportAnsibleOfItsDirectoryGives(String inventory) throws Exception {
    Path source = AnsibleImportTest.INVENTORIES.resolve(inventory);
    follow(source);
    CliRun run = CliRun.fleetconf(imported, "import", "ansible", source.toString());
    assertThat(run.status()).as(run.err()).isZero();
    Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(devices(following)).isEqualTo(devices(imported)));
    assertThat(devices(imported)).isNotEmpty();
    assertThat(entries(following)).isEqualTo(entries(imported));
    for (String device : devices(imported).keySet()) {
      assertThat(following.get("/api/v1/devices/" + device + "/config/vars").json().get("config")).as(device)
          .isEqualTo(imported.get("/api/v1/devices/" + device + "/config/vars").json().get("config"));
    }
  }

  @Test
  void aBrokenVarsFileIsRefusedNamingItsRepositoryPathAndTheLastGoodCommitStays() throws Exception {
    follow(AnsibleImportTest.INVENTORIES.resolve("shapes"));
    Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(devices(following)).containsKey("web02"));
    Map<String, JsonNode> before = entries(following);
    String broken = git.write("inventory/host_vars/web02.yml", "port: [\n").commit("Bob Stone <bob@example.org>", "oops");
    git.push();
    Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(CliRun.fleetconf(following, "git", "status").out())
        .contains("inv " + broken.substring(0, 12) + " refused: inventory/host_vars/web02.yml")
        .doesNotContain("fleetconf-ansible-")); // the reader's temporary copy is not what anyone should look for
    assertThat(entries(following)).isEqualTo(before);
  }

  @Test
  void anAgentFollowingTheInventoryItselfWritesTheVarsTheImportGivesItsHost() throws Exception {
    Path source = AnsibleImportTest.INVENTORIES.resolve("shapes");
    follow(source);
    assertThat(CliRun.fleetconf(imported, "import", "ansible", source.toString()).status()).isZero();
    Path out = dir.resolve("web02.json");
    Path config = Files.writeString(dir.resolve("agent.yaml"), "device_id: web02\nstate_dir: " + dir.resolve("state")
        + "\ngit:\n  url: " + git.url() + "\n  path: inventory\n  format: ansible\n"
        + "outputs:\n  - name: vars\n    namespace: vars\n    format: json\n    destination: " + out + "\n");
    java.io.StringWriter err = new java.io.StringWriter();
    var command = Main.commandLine();
    command.setErr(new java.io.PrintWriter(err));
    assertThat(command.execute("agent", "--once", "--config", config.toString())).as(err.toString()).isZero();
    assertThat(CliRun.JSON.readTree(Files.readString(out)))
        .isEqualTo(imported.get("/api/v1/devices/web02/config/vars").json().get("config"));
  }

  /** Commits the inventory under {@code inventory/} and starts a server following it in the ansible layout. */
  private void follow(Path inventory) throws Exception {
    git = TestGit.create(dir.resolve("repo"));
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(inventory)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        files.put("inventory/" + inventory.relativize(file), Files.readString(file));
      }
    }
    git.write(files).commit("Ana Lima <ana@example.org>", "inventory");
    git.push();
    following = TestServer.on(dir.resolve("data")).withGit(new GitSettings(
        List.of(new GitSource("inv", git.url(), "main", "inventory")), Duration.ofMillis(200), Map.of(),
        Map.of("inv", RepositoryLayout.named("ansible")))).startNow();
  }

  private static Map<String, JsonNode> devices(TestServer server) {
    Map<String, JsonNode> devices = new TreeMap<>();
    server.get("/api/v1/devices").json().get("devices").forEach(device -> devices.put(device.get("id").asText(),
        CliRun.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("groups", device.get("groups"))
            .set("labels", device.path("labels"))));
    return devices;
  }

  /** Each entry's value and whether it replaces (as the import writes Ansible's variables) or merges. */
  private static Map<String, JsonNode> entries(TestServer server) {
    Map<String, JsonNode> entries = new TreeMap<>();
    server.get("/api/v1/entries?recurse=true").json().get("entries")
        .forEach(entry -> entries.put(entry.get("key").asText(), CliRun.JSON.createObjectNode()
            .put("replace", entry.path("replace").asBoolean(false)).set("value", entry.get("value"))));
    return entries;
  }
}
