package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration guide of docs/ansible.md, step by step with real Ansible: a fleet's template+handler
 * playbook writes two hosts' files; the inventory is imported; each host gets an agent config; the
 * documented one-task playbook then finds every file as Ansible wrote it (ok, no restart), and a
 * value changed in fleetconf changes and restarts only the host it concerns.
 */
class AnsibleMigrationTest {
  private static final Path EXAMPLE = Path.of("src/test/resources/ansible-migration");
  private static final List<String> HOSTS = List.of("vv-lis-01", "vv-prt-01");
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  @Test
  void theOneTaskPlaybookFindsWhatTheTemplatePlaybookWroteAndAppliesWhatChanges() throws Exception {
    AnsibleImportTest.copy(EXAMPLE, dir);
    for (String host : HOSTS) {
      Files.createDirectories(dir.resolve("out").resolve(host));
    }
    Playbook.Run before = Playbook.run(dir, local("site-before.yml"));
    assertThat(before.status()).as(before.out()).isZero();
    byte[] written = Files.readAllBytes(dir.resolve("out/vv-lis-01/api.env"));
    assertThat(new String(written)).isEqualTo("# Ansible managed\nAPP_NAME=tv-api\nAPP_PORT=8081\nLOG_LEVEL=DEBUG\n"
        + "DVR_IP=10.1.0.1\nNTP=0.pool.ntp.org,1.pool.ntp.org\nHDMI_CEC=true\n");
    for (String host : HOSTS) {
      Files.delete(dir.resolve("out").resolve(host).resolve("restarted"));
    }

    CliRun imported = CliRun.fleetconf(server, "import", "ansible", dir.resolve("inventory").toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    for (String host : HOSTS) {
      agentConfig(host);
    }
    Files.writeString(dir.resolve("site.yml"), Playbook.snippet());
    Playbook.Run after = Playbook.run(dir, local("site.yml", "-e",
        "fleetconf_agent_config={{ playbook_dir }}/agents/{{ inventory_hostname }}.yaml"));
    assertThat(after.status()).as(after.out()).isZero();
    for (String host : HOSTS) {
      assertThat(after.of(host)).as(host).isEqualTo(new Playbook.Recap(1, 0, 0));
      assertThat(Files.exists(dir.resolve("out").resolve(host).resolve("restarted"))).as(host).isFalse();
    }
    assertThat(Files.readAllBytes(dir.resolve("out/vv-lis-01/api.env"))).isEqualTo(written);

    assertThat(CliRun.fleetconf(server, "kv", "put", "groups/ansible/porto/vars/dvr_ip", "10.2.0.9").status()).isZero();
    Playbook.Run changed = Playbook.run(dir, local("site.yml", "-e",
        "fleetconf_agent_config={{ playbook_dir }}/agents/{{ inventory_hostname }}.yaml"));
    assertThat(changed.of("vv-prt-01")).isEqualTo(new Playbook.Recap(1, 1, 0));
    assertThat(changed.of("vv-lis-01")).isEqualTo(new Playbook.Recap(1, 0, 0));
    assertThat(Files.readString(dir.resolve("out/vv-prt-01/api.env"))).contains("DVR_IP=10.2.0.9\n");
    assertThat(Files.readString(dir.resolve("out/vv-prt-01/config.yaml"))).contains("dvr: \"10.2.0.9\"\n");
    assertThat(Files.exists(dir.resolve("out/vv-prt-01/restarted"))).isTrue();
    assertThat(Files.exists(dir.resolve("out/vv-lis-01/restarted"))).isFalse();
  }

  private String[] local(String playbook, String... more) {
    return Stream.concat(Stream.of("-i", "inventory", "-c", "local", "-e", "ansible_python_interpreter=/usr/bin/python3",
        "-e", "out=" + dir.resolve("out"), playbook), Stream.of(more)).toArray(String[]::new);
  }

  /** Step 2 of the guide: the template tasks as outputs, the handler as their action. */
  private void agentConfig(String host) throws Exception {
    Path out = dir.resolve("out").resolve(host);
    Files.createDirectories(dir.resolve("agents"));
    Files.writeString(dir.resolve("agents").resolve(host + ".yaml"), "server: " + server.uri() + "\ndevice_id: " + host
        + "\ntoken: " + server.token() + "\nstate_dir: " + dir.resolve("state").resolve(host) + "\noutputs:\n"
        + "  - {name: api_env, namespace: vars, template: " + dir.resolve("templates/api.env.j2") + ", destination: "
        + out.resolve("api.env") + ", action: restart-api}\n"
        + "  - {name: config, namespace: vars, template: " + dir.resolve("templates/config.yaml.j2") + ", destination: "
        + out.resolve("config.yaml") + ", action: restart-api}\n"
        + "actions:\n  restart-api: {command: touch " + out.resolve("restarted") + "}\n");
  }

}
