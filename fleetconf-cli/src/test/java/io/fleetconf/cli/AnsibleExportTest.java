package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetconf export ansible} against a real server, read back by real
 * {@code ansible-inventory} and {@code ansible-vault}: refusals change nothing; secrets are vault
 * values or left out; tombstones and fleetconf's deep merge come out as the device's values.
 */
class AnsibleExportTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  private void device(String id, String... groups) {
    server.post("/api/v1/devices", "{\"id\": \"" + id + "\", \"groups\": " + CliRun.JSON.valueToTree(groups) + "}");
  }

  private void change(String operations) {
    TestServer.Reply reply = server.post("/api/v1/changes", "{\"operations\": [" + operations + "]}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  private CliRun export(String... options) {
    String[] args = Stream.concat(Stream.of("export", "ansible", "--to", dir.resolve("out").toString()), Stream.of(options))
        .toArray(String[]::new);
    if (Stream.of(options).anyMatch(o -> o.startsWith("--token="))) {
      args = Stream.concat(Stream.of(args), Stream.of("--addr=" + server.uri())).toArray(String[]::new);
    }
    return CliRun.fleetconf(server, args);
  }

  private JsonNode hostvars(String... options) throws Exception {
    String[] command = Stream.concat(Stream.of(RealAnsible.command("ansible-inventory").toString(), "-i",
        dir.resolve("out").toString(), "--list"), Stream.of(options)).toArray(String[]::new);
    return CliRun.JSON.readTree(RealAnsible.run(dir, command)).path("_meta").path("hostvars");
  }

  private JsonNode effective(String device) {
    return server.get("/api/v1/devices/" + device + "/config/vars").json().get("config");
  }

  @Test
  void aNonEmptyDirectoryIsRefusedAndForceReplacesOnlyTheInventoryFiles() throws Exception {
    device("h1", "ansible/web");
    change("{\"op\": \"put\", \"key\": \"groups/ansible/web/vars/port\", \"value\": 80}");
    Files.createDirectories(dir.resolve("out/group_vars"));
    Files.writeString(dir.resolve("out/README"), "keep me\n");
    Files.writeString(dir.resolve("out/group_vars/old.yml"), "old: 1\n");

    assertThat(export("--namespace", "ansible").err()).isEqualTo("fleetconf: --namespace ansible is where the import"
        + " keeps the inventory's shape, not variables\n");
    CliRun refused = export();
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: --to " + dir.resolve("out")
        + " is not empty; give --force to replace its hosts.yml, group_vars/ and host_vars/\n");
    assertThat(Files.exists(dir.resolve("out/hosts.yml"))).isFalse();

    CliRun forced = export("--force");
    assertThat(forced.status()).as(forced.err()).isZero();
    assertThat(forced.out()).isEqualTo("wrote 1 host(s) to " + dir.resolve("out/hosts.yml") + ", 1 group_vars and 0 host_vars file(s)\n");
    assertThat(Files.readString(dir.resolve("out/README"))).isEqualTo("keep me\n");
    assertThat(Files.exists(dir.resolve("out/group_vars/old.yml"))).isFalse();
    assertThat(Files.readString(dir.resolve("out/hosts.yml"))).isEqualTo("all:\n  children:\n    web:\n      hosts:\n        h1:\n");
    assertThat(Files.readString(dir.resolve("out/group_vars/web.yml"))).isEqualTo("port: 80\n");
    assertThat(hostvars().get("h1")).isEqualTo(CliRun.JSON.readTree("{\"port\": 80}"));
  }

  private void secrets() {
    device("h1", "ansible/all", "ansible/web");
    change("{\"op\": \"put\", \"key\": \"groups/ansible/web/vars/port\", \"value\": 80},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/web/vars/db_password\", \"value\": \"pw: x\\nsecond\", \"secret\": true},"
        + "{\"op\": \"put\", \"key\": \"devices/h1/vars/creds\", \"value\": {\"user\": \"u\", \"pass\": 7}, \"secret\": true}");
  }

  @Test
  void secretsAreRefusedByNameWithoutAPasswordAndLeftOutWithSkipSecrets() throws Exception {
    secrets();
    CliRun refused = export();
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: the export holds secrets (devices/h1/vars/creds, "
        + "groups/ansible/web/vars/db_password): give --vault-password-file to write them as !vault values,"
        + " or --skip-secrets to leave them out; nothing written\n");
    assertThat(Files.exists(dir.resolve("out"))).isFalse();

    CliRun skipped = export("--skip-secrets");
    assertThat(skipped.status()).as(skipped.err()).isZero();
    assertThat(skipped.err()).isEqualTo("left out 2 secret(s): devices/h1/vars/creds, groups/ansible/web/vars/db_password\n");
    assertThat(hostvars().get("h1")).isEqualTo(CliRun.JSON.readTree("{\"port\": 80}"));
  }

  @Test
  void secretsBecomeVaultValuesThatRealAnsibleOpens() throws Exception {
    secrets();
    Files.writeString(dir.resolve("pw"), "horse battery\n");
    CliRun exported = export("--vault-password-file", dir.resolve("pw").toString());
    assertThat(exported.status()).as(exported.err()).isZero();
    String web = Files.readString(dir.resolve("out/group_vars/web.yml"));
    assertThat(web).startsWith("db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n").endsWith("port: 80\n").doesNotContain("pw: x");
    // a secret that is not a string cannot be a !vault value: the whole file is encrypted
    assertThat(Files.readString(dir.resolve("out/host_vars/h1.yml"))).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");

    JsonNode h1 = hostvars("--vault-password-file", dir.resolve("pw").toString()).get("h1");
    assertThat(h1.get("creds")).isEqualTo(CliRun.JSON.readTree("{\"user\": \"u\", \"pass\": 7}"));
    assertThat(h1.get("port").intValue()).isEqualTo(80);
    Files.writeString(dir.resolve("db_password.vault"), h1.get("db_password").get("__ansible_vault").asText());
    assertThat(RealAnsible.run(dir, RealAnsible.command("ansible-vault").toString(), "decrypt", "--vault-password-file",
        "pw", "--output", "-", "db_password.vault")).isEqualTo("pw: x\nsecond");
  }

  @Test
  void aTokenThatMayNotReadSecretsIsRefusedNamingThem() throws Exception {
    secrets();
    String auditor = CliRun.fleetconf(server, "token", "create", "--identity", "auditor", "--rule", "read *",
        "--rule", "read devices").out().strip();
    Files.writeString(dir.resolve("pw"), "horse battery\n");
    CliRun refused = export("--vault-password-file", dir.resolve("pw").toString(), "--token=" + auditor);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: this token may not read secrets (devices/h1/vars/creds, "
        + "groups/ansible/web/vars/db_password): export with a token that may, or --skip-secrets; nothing written\n");
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }

  @Test
  void tombstonesAndDeepMergesComeOutAsTheDevicesValues() throws Exception {
    device("h1", "ansible/base", "ansible/web");
    device("h2", "ansible/base");
    change("{\"op\": \"put\", \"key\": \"global/vars/ntp\", \"value\": \"pool.ntp.org\"},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/base/vars/limits\", \"value\": {\"cpu\": 1, \"mem\": 2}},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/web/vars/limits\", \"value\": {\"cpu\": 4, \"mem\": null}},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/base/vars/opts\", \"value\": {\"a\": 1}},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/web/vars/opts\", \"value\": {\"b\": 2}},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/base/vars/color\", \"value\": \"red\"},"
        + "{\"op\": \"put\", \"key\": \"devices/h1/vars/color\", \"value\": null}");
    CliRun exported = export();
    assertThat(exported.status()).as(exported.err()).isZero();

    assertThat(Files.readString(dir.resolve("out/group_vars/all.yml"))).isEqualTo("ntp: pool.ntp.org\n");
    assertThat(Files.readString(dir.resolve("out/group_vars/web.yml"))).isEqualTo("limits:\n  cpu: 4\nopts:\n  b: 2\n");
    // Ansible replaces opts where fleetconf merged it; no Ansible value deletes color, so it is null
    assertThat(Files.readString(dir.resolve("out/host_vars/h1.yml"))).isEqualTo("color:\nopts:\n  a: 1\n  b: 2\n");
    JsonNode hostvars = hostvars();
    for (String host : new String[] {"h1", "h2"}) {
      // The tombstone-deleted color is null in Ansible and absent in fleetconf: compared without it.
      JsonNode ansible = ((com.fasterxml.jackson.databind.node.ObjectNode) hostvars.get(host).deepCopy()).without("color");
      assertThat(ansible).as(host).isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) effective(host)).without("color"));
    }
    assertThat(hostvars.get("h1").get("color").isNull()).isTrue();
  }

  @Test
  void groupOrdersThatNoPriorityCanGiveAreRefusedNamingTheHosts() {
    device("h1", "ansible/a", "ansible/b");
    device("h2", "ansible/b", "ansible/a");
    CliRun refused = export();
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: no single group order fits every host, so flat groups with"
        + " ansible_group_priority cannot give each host its variables: host h1 has a below b, host h2 has b below a;"
        + " import the inventory's shape (global/ansible/inventory) or make the devices' group orders agree; nothing written\n");
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }

  @Test
  void flatGroupsGetPrioritiesOnlyWhereNameOrderWouldNotDo() throws Exception {
    device("h1", "ansible/zeta", "ansible/alpha");
    change("{\"op\": \"put\", \"key\": \"groups/ansible/zeta/vars/color\", \"value\": \"zeta\"},"
        + "{\"op\": \"put\", \"key\": \"groups/ansible/alpha/vars/color\", \"value\": \"alpha\"}");
    assertThat(export().status()).isZero();
    assertThat(Files.readString(dir.resolve("out/hosts.yml"))).isEqualTo("all:\n  children:\n"
        + "    zeta:\n      hosts:\n        h1:\n      vars:\n        ansible_group_priority: 1\n"
        + "    alpha:\n      hosts:\n        h1:\n      vars:\n        ansible_group_priority: 2\n");
    assertThat(Files.exists(dir.resolve("out/host_vars"))).isFalse();
    assertThat(hostvars().get("h1").get("color").asText()).isEqualTo("alpha");
  }

  @Test
  void devicesOutsideAnsibleGroupsNeedAll() throws Exception {
    device("vv-1", "site/lisbon");
    change("{\"op\": \"put\", \"key\": \"groups/site/lisbon/vars/dvr_ip\", \"value\": \"10.0.0.9\"}");
    CliRun refused = export();
    assertThat(refused.err()).isEqualTo("fleetconf: no device is in a group of kind ansible (as `fleetconf import"
        + " ansible` makes them); give --all for every device\n");
    CliRun all = export("--all");
    assertThat(all.status()).as(all.err()).isZero();
    assertThat(Files.readString(dir.resolve("out/host_vars/vv-1.yml"))).isEqualTo("dvr_ip: \"10.0.0.9\"\n");
    assertThat(hostvars().get("vv-1")).isEqualTo(effective("vv-1"));
  }
}
