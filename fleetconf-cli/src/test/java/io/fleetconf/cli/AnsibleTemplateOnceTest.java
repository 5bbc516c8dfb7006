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
 * A real {@code fleetconf agent --once} writes an Ansible-mode {@code .j2} template byte-identical
 * to what a real {@code ansible-playbook} template task writes from the same variables, and a
 * template with an undefined variable fails in both, the agent writing nothing.
 */
class AnsibleTemplateOnceTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  private static final String VARS = """
      {"app_name": "tv-api", "app_port": 8080, "debug": true, "dvr_ip": "10.1.0.1",
       "servers": ["a.example", "b.example"], "limits": {"cpu": 2, "mem": "1G"}}""";

  private static final String TEMPLATE = """
      # {{ ansible_managed }}
      APP={{ app_name | upper }}
      PORT={{ app_port }}
      DEBUG={{ debug }}
      HOST={{ inventory_hostname }}
      SERVERS={{ servers | join(',') }}
      LIMITS={{ limits | to_json }}
      {% for s in servers %}
      SERVER_{{ loop.index }}={{ s | regex_replace('\\\\.example$', '') }}
      {% endfor %}
      """;

  private int once(Path config) throws Exception {
    Process process = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("once.log").toFile()).start();
    return process.waitFor();
  }

  private Path agentConfig(Path template, Path destination) throws Exception {
    return Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\ntoken: "
        + server.token() + "\nstate_dir: " + dir.resolve("state") + "\n"
        + "outputs:\n  - name: api\n    namespace: vars\n    template: " + template + "\n    destination: " + destination + "\n");
  }

  @Test
  void agentOnceWritesTheTemplateAsAnsibleDoesAndFailsWhereAnsibleFails() throws Exception {
    Path playbookCommand = RealAnsible.command("ansible-playbook");
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/vars", VARS);
    Path template = Files.writeString(dir.resolve("api.env.j2"), TEMPLATE);
    Files.writeString(dir.resolve("hosts.yaml"), "all:\n  hosts:\n    vv-1: " + VARS.replace("\n", " ") + "\n");
    Files.writeString(dir.resolve("playbook.yaml"), """
        - hosts: all
          connection: local
          gather_facts: false
          tasks:
            - template: {src: api.env.j2, dest: "{{ playbook_dir }}/ansible.env"}
        """);
    RealAnsible.run(dir, playbookCommand.toString(), "-i", "hosts.yaml", "playbook.yaml");

    assertThat(once(agentConfig(template, dir.resolve("agent.env")))).isZero();
    assertThat(Files.readAllBytes(dir.resolve("agent.env"))).isEqualTo(Files.readAllBytes(dir.resolve("ansible.env")));
    assertThat(Files.readString(dir.resolve("agent.env"))).contains("DEBUG=True\n", "SERVER_2=b\n");

    Path broken = Files.writeString(dir.resolve("broken.env.j2"), "A={{ app_name }}\nB={{ missing_var }}\n");
    assertThat(once(agentConfig(broken, dir.resolve("broken.env")))).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("broken.env"))).isFalse();
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0).get("error").asText())
        .isEqualTo("template " + broken + ": line 2: 'missing_var' is undefined");
  }
}
