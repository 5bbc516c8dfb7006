package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Level 1 kept: the playbook of docs/ansible.md ("Playbook"), run by real {@code ansible-playbook}
 * against a real server through a real {@code fleetconf agent --once --json}: the first run is
 * changed, the second ok, a failing template fails the task and writes nothing.
 */
class AnsiblePlaybookTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  /** Exit status and the recap's ok, changed, failed counts. */
  private record Run(int status, int ok, int changed, int failed, String out) {}

  @Test
  void firstRunIsChangedSecondIsOkAndAFailingTemplateFailsTheTask() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"ansible/fleet\"]}");
    server.put("/api/v1/entries/global/vars", "{\"app_port\": 8080, \"app_name\": \"tv-api\"}");
    Path template = Files.writeString(dir.resolve("app.env.j2"), "APP={{ app_name }}\nPORT={{ app_port }}\n");
    Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\ntoken: " + server.token()
        + "\nstate_dir: " + dir.resolve("state") + "\noutputs:\n  - name: app\n    namespace: vars\n    template: "
        + template + "\n    destination: " + dir.resolve("app.env") + "\n");
    Files.writeString(dir.resolve("hosts.yml"), "fleet:\n  hosts:\n    vv-1:\n      ansible_connection: local\n"
        + "      ansible_python_interpreter: /usr/bin/python3\n      fleetconf_agent_config: " + dir.resolve("agent.yaml") + "\n");
    Files.writeString(dir.resolve("site.yml"), Playbook.snippet());

    Run first = playbook();
    assertThat(first).as(first.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(0, 1, 1, 0);
    assertThat(Files.readString(dir.resolve("app.env"))).isEqualTo("APP=tv-api\nPORT=8080\n");

    Run second = playbook();
    assertThat(second).as(second.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(0, 1, 0, 0);

    Files.writeString(template, "APP={{ app_name }}\nPORT={{ app_port }}\nDVR={{ dvr_ip }}\n");
    Run failing = playbook();
    assertThat(failing).as(failing.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(2, 0, 0, 1);
    assertThat(failing.out()).contains("'dvr_ip' is undefined");
    assertThat(Files.readString(dir.resolve("app.env"))).isEqualTo("APP=tv-api\nPORT=8080\n");
  }

  @Test
  void jsonWithoutOnceIsRefused() {
    java.io.StringWriter err = new java.io.StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setErr(new java.io.PrintWriter(err));
    assertThat(commandLine.execute("agent", "--json", "--config", dir.resolve("agent.yaml").toString())).isEqualTo(1);
    // under --json, errors come as JSON too, as for every verb
    assertThat(err).hasToString("{\"error\":\"cli\",\"message\":\"--json goes with --once: a running agent reports"
        + " to the server, not to stdout\"}\n");
  }

  private Run playbook() throws Exception {
    Playbook.Run run = Playbook.run(dir, "-i", "hosts.yml", "site.yml");
    Playbook.Recap recap = run.of("vv-1");
    return new Run(run.status(), recap.ok(), recap.changed(), recap.failed(), run.out());
  }
}
