package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.ansible.Vault;
import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault through the import, with values encrypted by the real {@code ansible-vault}: the right
 * password makes every vaulted value a fleetconf secret (masked in history, compared by digest so a
 * second run writes nothing), and a real agent writes it in clear to a 0600 file; a wrong or missing
 * password refuses, names the file and the variable, and writes nothing.
 */
class AnsibleVaultImportTest {
  private static final String PASSWORD = "correct horse";
  @TempDir Path dir;
  TestServer server;
  Path inventory;
  Path passwordFile;

  @BeforeEach
  void inventoryWithVaultedValues() throws Exception {
    server = TestServer.on(dir.resolve("data")).startNow();
    inventory = Files.createDirectories(dir.resolve("inv"));
    passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    Files.writeString(inventory.resolve("hosts"), "[web]\nweb1\n");
    Files.createDirectories(inventory.resolve("group_vars"));
    Files.createDirectories(inventory.resolve("host_vars"));
    Files.writeString(inventory.resolve("group_vars/web.yml"), "app_user: app\n" + encryptString("db_password", "s3cr3t pä$$")
        + "db:\n  host: db.local\n" + ours("password", "nested-secret").replaceAll("(?m)^", "  "));
    Files.writeString(inventory.resolve("host_vars/web1.yml"), "api_key: k-123\n");
    RealAnsible.run(inventory, vault(), "encrypt", "--vault-password-file", passwordFile.toString(), "host_vars/web1.yml");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void vaultedValuesAreSecretsMaskedInHistoryAndTheAgentWritesThemInClearWithMode0600() throws Exception {
    CliRun imported = importWith("--vault-password-file", passwordFile.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out()).isEqualTo("revision 1: 1 device change(s), 6 entry change(s)\n");
    // ansible-inventory shows !vault values encrypted ({"__ansible_vault": ...}); these are their clear texts.
    assertThat(server.get("/api/v1/devices/web1/config/vars").json().get("config")).isEqualTo(CliRun.JSON.readTree(
        "{\"app_user\":\"app\",\"db\":{\"host\":\"db.local\",\"password\":\"nested-secret\"},"
            + "\"db_password\":\"s3cr3t pä$$\",\"api_key\":\"k-123\"}"));

    String auditor = server.post("/api/v1/tokens", "{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\",\"read devices\"]}")
        .json().get("token").asText();
    TestServer.Reply history = server.send("GET", "/api/v1/changes/1", (byte[]) null, null, "Bearer " + auditor);
    assertThat(history.body()).doesNotContain("s3cr3t", "nested-secret", "k-123");
    assertThat(secretKeys(history.json())).isEqualTo(
        "[devices/web1/vars/api_key, groups/ansible/web/vars/db, groups/ansible/web/vars/db_password]");
    String digests = server.get("/api/v1/entries/groups/fleetconf/ansible-import/ansible/secrets").json()
        .get("value").toString();
    assertThat(digests).doesNotContain("s3cr3t", "nested-secret", "k-123").contains("hmac-sha256:");
    assertThat(server.get("/api/v1/devices/web1/config").body()).doesNotContain("hmac-sha256");

    assertThat(importWith("--vault-password-file", passwordFile.toString()).out()).isEqualTo("nothing changed\n");
    assertThat(server.revision()).isEqualTo(1);

    Path template = Files.writeString(dir.resolve("app.env.j2"),
        "USER={{ app_user }}\nDB_PASSWORD={{ db_password }}\nDB={{ db.host }}:{{ db.password }}\nAPI_KEY={{ api_key }}\n");
    Path destination = dir.resolve("out/app.env");
    assertThat(agentOnce(template, destination)).isZero();
    assertThat(Files.readString(destination))
        .isEqualTo("USER=app\nDB_PASSWORD=s3cr3t pä$$\nDB=db.local:nested-secret\nAPI_KEY=k-123\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination))).isEqualTo("rw-------");

    String web = Files.readString(inventory.resolve("group_vars/web.yml"));
    String rotatedValue = ours("db_password", "rotated");
    Files.writeString(inventory.resolve("group_vars/web.yml"),
        rotatedValue + web.substring(web.indexOf("db:\n  host")) + "app_user: app\n");
    CliRun rotated = importWith("--vault-password-file", passwordFile.toString(), "--dry-run");
    assertThat(rotated.out()).isEqualTo("put groups/ansible/web/vars/db_password = (secret)\n"
        + "put groups/fleetconf/ansible-import/ansible/secrets (digests of 3 secret(s))\n"
        + "dry run: 0 device change(s), 2 entry change(s); nothing written\n");
    assertThat(importWith("--vault-password-file", passwordFile.toString()).out())
        .isEqualTo("revision 2: 0 device change(s), 2 entry change(s)\n");

    // No longer vaulted: a secret stays one until deleted, so the import deletes and puts it plain.
    Files.writeString(inventory.resolve("group_vars/web.yml"),
        "db_password: plain now\n" + web.substring(web.indexOf("db:\n  host")) + "app_user: app\n");
    assertThat(importWith("--vault-password-file", passwordFile.toString(), "--dry-run").out()).isEqualTo(
        "delete groups/ansible/web/vars/db_password (secret, to store it plain)\n"
            + "put groups/ansible/web/vars/db_password = \"plain now\" (was a secret)\n"
            + "put groups/fleetconf/ansible-import/ansible/secrets (digests of 2 secret(s))\n"
            + "dry run: 0 device change(s), 3 entry change(s); nothing written\n");
    assertThat(importWith("--vault-password-file", passwordFile.toString()).status()).isZero();
    TestServer.Reply plain = server.get("/api/v1/entries/groups/ansible/web/vars/db_password");
    assertThat(plain.json().path("secret").asBoolean(false)).isFalse();
    assertThat(plain.json().get("value").asText()).isEqualTo("plain now");
  }

  @Test
  void aWrongOrMissingPasswordRefusesNamingTheFileAndVariableAndWritesNothing() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not it\n");
    CliRun refused = importWith("--vault-password-file", wrong.toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: " + inventory.resolve("group_vars/web.yml")
        + " (/db_password): the vault password does not open this value (HMAC check failed)\n");
    CliRun missing = importWith();
    assertThat(missing.err()).isEqualTo("fleetconf: " + inventory.resolve("group_vars/web.yml")
        + " (/db_password): a !vault value is vault-encrypted and no vault password was given; "
        + "give --vault-password-file to import it\n");
    assertThat(server.revision()).isZero();

    assertThat(importWith("--vault-password-file", passwordFile.toString()).status()).isZero();
    Files.writeString(inventory.resolve("group_vars/web.yml"), "app_user: other\n");
    CliRun wholeFile = importWith("--vault-password-file", wrong.toString());
    assertThat(wholeFile.err()).isEqualTo("fleetconf: " + inventory.resolve("host_vars/web1.yml")
        + ": the vault password does not open this value (HMAC check failed)\n");
    assertThat(server.revision()).isEqualTo(1);
  }

  /**
   * The round trip with secrets: import with the password, export with it, and real
   * {@code ansible-inventory} (with the password) gives the host the same variables as the original,
   * vaulted values compared by their clear text ({@code --list} shows a {@code !vault} value still
   * encrypted, with a salt of its own on each side).
   */
  @Test
  void exportedWithThePasswordTheSecretsComeBackToAnsibleAsTheyWere() throws Exception {
    assertThat(importWith("--vault-password-file", passwordFile.toString()).status()).isZero();
    Path exported = dir.resolve("exported");
    CliRun export = CliRun.fleetconf(server, "export", "ansible", "--to", exported.toString(),
        "--vault-password-file", passwordFile.toString());
    assertThat(export.status()).as(export.err()).isZero();
    assertThat(Files.readString(exported.resolve("group_vars/web.yml"))).doesNotContain("s3cr3t");

    JsonNode original = hostvars(inventory.resolve("hosts"));
    JsonNode back = hostvars(exported);
    assertThat(original.get("db_password").asText()).isEqualTo("s3cr3t pä$$");
    assertThat(back).isEqualTo(original);
  }

  /** web1's variables as real ansible-inventory reads them, vaulted values opened. */
  private JsonNode hostvars(Path source) throws Exception {
    JsonNode list = CliRun.JSON.readTree(RealAnsible.run(dir, RealAnsible.command("ansible-inventory").toString(),
        "-i", source.toString(), "--list", "--vault-password-file", passwordFile.toString()));
    return opened(list.path("_meta").path("hostvars").path("web1"));
  }

  private static JsonNode opened(JsonNode node) {
    if (node.isObject() && node.size() == 1 && node.has("__ansible_vault")) {
      byte[] clear = Vault.decrypt(node.get("__ansible_vault").asText(), PASSWORD.getBytes(StandardCharsets.UTF_8),
          "hostvars");
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(new String(clear, StandardCharsets.UTF_8));
    }
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode out = CliRun.JSON.createObjectNode();
      node.properties().forEach(field -> out.set(field.getKey(), opened(field.getValue())));
      return out;
    }
    return node;
  }

  private CliRun importWith(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "import";
    args[1] = "ansible";
    System.arraycopy(options, 0, args, 2, options.length);
    args[args.length - 1] = inventory.resolve("hosts").toString();
    return CliRun.fleetconf(server, args);
  }

  private String encryptString(String name, String value) throws Exception {
    return RealAnsible.run(dir, vault(), "encrypt_string", "--vault-password-file", passwordFile.toString(),
        "--name", name, "--", value) + "\n";
  }

  /** A !vault value encrypted by fleetconf's Vault, which VaultTest proves ansible-vault decrypts. */
  private static String ours(String name, String value) {
    String envelope = Vault.encrypt(value.getBytes(StandardCharsets.UTF_8), PASSWORD.getBytes(StandardCharsets.UTF_8), "");
    return name + ": !vault |\n" + envelope.strip().replaceAll("(?m)^", "  ") + "\n";
  }

  private static String vault() {
    return RealAnsible.command("ansible-vault").toString();
  }

  private static String secretKeys(JsonNode changeSet) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    changeSet.get("changes").forEach(change -> {
      if (change.path("secret").asBoolean(false)) {
        keys.add(change.get("key").asText());
      }
    });
    return keys.toString();
  }

  private int agentOnce(Path template, Path destination) throws Exception {
    String deviceToken = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"web1\"}").json()
        .get("token").asText();
    Path config = Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: web1\ntoken: "
        + deviceToken + "\nstate_dir: " + dir.resolve("state") + "\n"
        + "outputs:\n  - name: app\n    namespace: vars\n    template: " + template + "\n    destination: " + destination + "\n");
    Process process = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("once.log").toFile()).start();
    return process.waitFor();
  }
}
