package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dicts keep Ansible's key order from the inventory to the file, through a real import, the server's
 * store and merge of layers, and a real {@code agent --once}: where a group's dict replaces the one
 * of {@code all} in another order, the file is byte-identical to what {@code ansible-playbook} writes.
 */
class AnsibleKeyOrderTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  private static final String INVENTORY = """
      all:
        vars:
          service_env: {ZONE: eu, APP_MODE: prod, BIND: 0.0.0.0, LOG: info}
          limits: {nofile: 65536, nproc: 4096, core: 0}
        children:
          web:
            vars:
              service_env: {LOG: debug, ZONE: pt, EXTRA: x}
            hosts:
              web1: {limits: {nproc: 1, nofile: 2, core: 3}}
          dvr:
            hosts:
              dvr1: {}
      """;

  private static final String TEMPLATE = """
      {{ service_env }}
      {{ service_env | to_json }}
      {% for key, value in service_env.items() %}
      {{ key }}={{ value }}
      {% endfor %}
      {{ limits | dict2items | map(attribute='key') | join(',') }}
      {{ limits | combine({'aaa': 1, 'core': 9}) }}
      """;

  private int once(String host, Path template) throws Exception {
    Path config = Files.writeString(dir.resolve(host + ".agent.yaml"), "server: " + server.uri() + "\ndevice_id: " + host
        + "\ntoken: " + server.token() + "\nstate_dir: " + dir.resolve(host + "-state") + "\n"
        + "outputs:\n  - name: env\n    namespace: vars\n    template: " + template + "\n    destination: "
        + dir.resolve("agent").resolve(host) + "\n");
    Process process = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve(host + ".log").toFile()).start();
    return process.waitFor();
  }

  @Test
  void importedDictsRenderInAnsiblesKeyOrder() throws Exception {
    Path playbookCommand = RealAnsible.command("ansible-playbook");
    Path inventory = Files.writeString(dir.resolve("hosts.yaml"), INVENTORY);
    Path template = Files.writeString(dir.resolve("order.j2"), TEMPLATE);
    Files.writeString(dir.resolve("playbook.yaml"), """
        - hosts: all
          connection: local
          gather_facts: false
          tasks:
            - template: {src: order.j2, dest: "{{ playbook_dir }}/ansible/{{ inventory_hostname }}"}
        """);
    Files.createDirectories(dir.resolve("ansible"));
    RealAnsible.run(dir, playbookCommand.toString(), "-i", "hosts.yaml", "playbook.yaml");
    CliRun imported = CliRun.fleetconf(server, "import", "ansible", inventory.toString());
    assertThat(imported.status()).as(imported.err()).isZero();

    for (String host : new String[] {"web1", "dvr1"}) {
      assertThat(once(host, template)).as(Files.readString(dir.resolve(host + ".log"))).isZero();
      assertThat(Files.readString(dir.resolve("agent").resolve(host)))
          .isEqualTo(Files.readString(dir.resolve("ansible").resolve(host)));
    }
    assertThat(Files.readString(dir.resolve("agent/web1"))).startsWith("{'LOG': 'debug', 'ZONE': 'pt', 'EXTRA': 'x'}\n");
  }
}
