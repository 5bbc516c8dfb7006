package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.RealAnsible;
import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Level 1 kept: the playbook of docs/ansible.md ("Playbook"), run by real {@code ansible-playbook}
 * against a real server through a real {@code fleetconf agent --once --json}: the first run is
 * changed, the second ok, a failing template fails the task and writes nothing.
 */
class AnsiblePlaybookTest {
  private static final Pattern RECAP = Pattern.compile("vv-1\\s+: ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=0\\s+failed=(\\d+)");
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
    Files.writeString(dir.resolve("site.yml"), snippet());

    Run first = playbook();
    assertThat(first).as(first.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(0, 1, 1, 0);
    assertThat(Files.readString(dir.resolve("app.env"))).isEqualTo("APP=tv-api\nPORT=8080\n");

    Run second = playbook();
    assertThat(second).as(second.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(0, 1, 0, 0);

    server.put("/api/v1/entries/global/vars/app_port", "9090");
    Run third = playbook();
    assertThat(third).as(third.out()).extracting(Run::status, Run::changed, Run::failed).containsExactly(0, 1, 0);
    assertThat(Files.readString(dir.resolve("app.env"))).isEqualTo("APP=tv-api\nPORT=9090\n");

    Files.writeString(template, "APP={{ app_name }}\nPORT={{ app_port }}\nDVR={{ dvr_ip }}\n");
    Run failing = playbook();
    assertThat(failing).as(failing.out()).extracting(Run::status, Run::ok, Run::changed, Run::failed).containsExactly(2, 0, 0, 1);
    assertThat(failing.out()).contains("'dvr_ip' is undefined");
    assertThat(Files.readString(dir.resolve("app.env"))).isEqualTo("APP=tv-api\nPORT=9090\n");
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

  /** The first yaml block of docs/ansible.md's "Playbook" section: the documented snippet is what runs. */
  private static String snippet() throws Exception {
    String doc = Files.readString(Path.of("../docs/ansible.md"));
    String section = doc.substring(doc.indexOf("\n## Playbook"));
    int start = section.indexOf("```yaml\n") + "```yaml\n".length();
    return section.substring(start, section.indexOf("```\n", start));
  }

  private Run playbook() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fleetconf = bin.resolve("fleetconf");
    Files.writeString(fleetconf, "#!/bin/sh\nexec '" + ProcessHandle.current().info().command().orElseThrow() + "' -cp '"
        + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(fleetconf, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder(RealAnsible.command("ansible-playbook").toString(), "-i", "hosts.yml", "site.yml")
        .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("ANSIBLE_NOCOLOR", "1");
    builder.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve(".ansible-tmp").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    Matcher recap = RECAP.matcher(out);
    assertThat(recap.find()).as(out).isTrue();
    return new Run(status, Integer.parseInt(recap.group(1)), Integer.parseInt(recap.group(2)), Integer.parseInt(recap.group(3)), out);
  }
}
