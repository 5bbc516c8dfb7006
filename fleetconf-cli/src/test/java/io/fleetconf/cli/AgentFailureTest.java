package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a device does and says when an output fails: a template that uses a name the config does
 * not have, content that makes the service unhealthy, settings that are wrong. Real agent
 * processes ({@code fleetconf agent --once}), a real server.
 */
class AgentFailureTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  /** What one run printed, and how it exited. */
  private record Run(int exit, String log) {
    long lines(String text) {
      return log.lines().filter(l -> l.contains(text)).count();
    }
  }

  @BeforeEach
  void device() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/tv_api", "{\"host\": \"h1\"}");
    Files.writeString(dir.resolve("healthy"), "");
    template("TV_API_HOST={{ tv_api.host }}\n");
  }

  private Path template(String text) throws Exception {
    return Files.writeString(dir.resolve("tv_api.env.j2"), text);
  }

  private Path config(String extra) throws Exception {
    return Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\n"
        + "token: " + server.token() + "\nstate_dir: " + dir.resolve("state") + "\n" + extra
        + "outputs:\n  - name: tv_api\n    namespace: tv_api\n    template_mode: fleetconf\n    template: " + dir.resolve("tv_api.env.j2")
        + "\n    destination: " + dir.resolve("tv_api.env") + "\n    action: reload\n"
        + "actions:\n  reload:\n    command: echo reload >> " + dir.resolve("reloads.log") + "\n"
        + "    health:\n      command: test -f " + dir.resolve("healthy") + "\n"
        + "      delay: 0s\n      retries: 0\n");
  }

  private Process start(String... args) throws Exception {
    List<String> command = ChildJvm.command(List.of("-Xmx96m"), Main.class.getName(), args);
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("run.log").toFile()).start();
  }

  private Run once() throws Exception {
    int exit = start("agent", "--once", "--config", dir.resolve("agent.yaml").toString()).waitFor();
    return new Run(exit, Files.readString(dir.resolve("run.log")));
  }

  private String file() throws Exception {
    return Files.readString(dir.resolve("tv_api.env"));
  }

  private JsonNode report() {
    return server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0);
  }

  private List<String> reloads() throws Exception {
    Path log = dir.resolve("reloads.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void formatOutputOfANamespaceTheDeviceLacksWritesNothingAndFails() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\n"
        + "token: " + server.token() + "\nstate_dir: " + dir.resolve("state") + "\n"
        + "outputs:\n  - name: tv_api\n    namespace: tv_apii\n    format: env\n"
        + "    destination: " + dir.resolve("tv_api.env") + "\n");
    Files.writeString(dir.resolve("tv_api.env"), "TV_API_HOST=h0\n"); // what the service runs now

    Run run = once();
    String reason = "namespace 'tv_apii' is not in this device's config: nothing written (an empty file would drop"
        + " every setting the service reads)";
    assertThat(run.exit()).isEqualTo(1);
    assertThat(file()).isEqualTo("TV_API_HOST=h0\n");
    assertThat(run.lines("fleetconf-agent: tv_api failed at revision " + server.revision() + ": " + reason))
        .isEqualTo(1);
    assertThat(report().get("status").asText()).isEqualTo("failed");
    assertThat(report().get("error").asText()).isEqualTo(reason);

    server.put("/api/v1/entries/devices/vv-1/tv_apii", "{}"); // an explicit empty namespace is an empty file
    assertThat(once().exit()).isZero();
    assertThat(file()).isEmpty();
  }

  @Test
  void templateWithAnUndefinedNameFailsKeepsTheFileAndSaysWhichTemplateLineAndName() throws Exception {
    config("");
    assertThat(once().exit()).isZero();
    long applied = server.revision();
    template("TV_API_HOST={{ tv_api.host }}\nTV_API_PORT={{ tv_api.port }}\n"
        + "TV_API_MODE={{ tv_api.mode | default('fast') }}\n{% if tv_api.debug is defined %}DEBUG=1\n{% endif %}");

    Run failed = once();
    String reason = "template " + dir.resolve("tv_api.env.j2") + ": line 2: 'tv_api.port' is undefined";
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(file()).isEqualTo("TV_API_HOST=h1\n");
    assertThat(failed.lines("fleetconf-agent: tv_api failed at revision " + applied + ": " + reason)).isEqualTo(1);
    assertThat(failed.lines("'tv_api.port' is undefined")).isEqualTo(1);
    assertThat(report().get("status").asText()).isEqualTo("failed");
    assertThat(report().get("error").asText()).isEqualTo(reason);
    assertThat(reloads()).hasSize(1);

    server.put("/api/v1/entries/global/tv_api/port", "8080");
    assertThat(once().exit()).isZero();
    assertThat(file()).isEqualTo("TV_API_HOST=h1\nTV_API_PORT=8080\nTV_API_MODE=fast\n");
    assertThat(report().get("status").asText()).isEqualTo("applied");
    assertThat(report().get("revision").asLong()).isEqualTo(server.revision());
  }

  /** Fails the health check for new content: the file goes back, and the report says the device runs the old revision. */
  private long rollBack() throws Exception {
    config("");
    assertThat(once().exit()).isZero();
    long running = server.revision();
    Files.delete(dir.resolve("healthy"));
    server.put("/api/v1/entries/global/tv_api/host", "\"h2\"");
    Run run = once();
    assertThat(run.exit()).isEqualTo(2);
    assertThat(file()).isEqualTo("TV_API_HOST=h1\n");
    assertThat(report().get("status").asText()).isEqualTo("rolled_back");
    assertThat(report().get("revision").asLong()).isEqualTo(server.revision());
    assertThat(report().get("runningRevision").asLong()).isEqualTo(running);
    assertThat(report().get("error").asText()).startsWith("health check failed: 'test -f ");
    assertThat(run.lines("fleetconf-agent: tv_api rolled back at revision " + server.revision()
        + ": health check failed: 'test -f ")).isEqualTo(1);
    return running;
  }

  @Test
  void revertedContentIsNotTriedAgainUntilTheOperatorSaysRetry() throws Exception {
    long running = rollBack();
    Files.writeString(dir.resolve("healthy"), ""); // the operator fixes the cause on the device
    Run again = once();
    assertThat(again.exit()).isEqualTo(2);
    assertThat(report().get("error").asText()).startsWith("not applied again: this content failed its health check"
        + " before (health check failed: 'test -f ");
    assertThat(report().get("runningRevision").asLong()).isEqualTo(running);
    assertThat(file()).isEqualTo("TV_API_HOST=h1\n");

    Process retry = start("agent", "retry", "--config", dir.resolve("agent.yaml").toString(), "tv_api");
    assertThat(retry.waitFor()).isZero();
    assertThat(Files.readString(dir.resolve("run.log")))
        .isEqualTo("cleared tv_api; the agent tries again at its next pass\n");
    assertThat(once().exit()).isZero();
    assertThat(file()).isEqualTo("TV_API_HOST=h2\n");
    assertThat(report().get("status").asText()).isEqualTo("applied");
    assertThat(report().get("revision").asLong()).isEqualTo(server.revision());
  }

  @Test
  void aNewRevisionOfTheNamespaceGetsAFreshTry() throws Exception {
    rollBack();
    Files.writeString(dir.resolve("healthy"), "");
    server.put("/api/v1/entries/global/tv_api/note", "\"fixed\""); // same file, but the namespace changed
    assertThat(once().exit()).isZero();
    assertThat(file()).isEqualTo("TV_API_HOST=h2\n");
    assertThat(report().get("revision").asLong()).isEqualTo(server.revision());
  }

  /**
   * The reload "loads" the file by copying it to loaded.env; it fails while {@code actionfail}
   * exists and takes a minute while {@code slow} exists (a window to kill the agent in).
   */
  private void loadingAction() throws Exception {
    config("");
    String reload = "command: if test -e " + dir.resolve("slow") + "; then sleep 60; fi; test ! -e "
        + dir.resolve("actionfail") + " && cp " + dir.resolve("tv_api.env") + " " + dir.resolve("loaded.env");
    Files.writeString(dir.resolve("agent.yaml"), Files.readString(dir.resolve("agent.yaml"))
        .replace("command: echo reload >> " + dir.resolve("reloads.log"), reload));
  }

  private String loaded() throws Exception {
    return Files.readString(dir.resolve("loaded.env"));
  }

  private String fleetStatus() {
    return server.get("/api/v1/fleet/status").json().get("devices").get(0).get("status").asText();
  }

  @Test
  void failedActionRunsAgainAtTheNextPassAndTheOutputStaysFailedUntilItSucceeds() throws Exception {
    loadingAction();
    assertThat(once().exit()).isZero();
    assertThat(loaded()).isEqualTo("TV_API_HOST=h1\n");

    Files.writeString(dir.resolve("actionfail"), "");
    server.put("/api/v1/entries/global/tv_api/host", "\"h2\"");
    assertThat(once().exit()).isEqualTo(1);
    assertThat(file()).isEqualTo("TV_API_HOST=h2\n");
    assertThat(report().get("status").asText()).isEqualTo("failed");

    Run again = once(); // the file on disk is already the new one; the service has not loaded it
    assertThat(again.exit()).isEqualTo(1);
    assertThat(report().get("status").asText()).isEqualTo("failed");
    assertThat(report().get("error").asText()).startsWith("action reload: '").endsWith("exited with 1");
    assertThat(fleetStatus()).isEqualTo("failed");
    assertThat(loaded()).isEqualTo("TV_API_HOST=h1\n");

    Files.delete(dir.resolve("actionfail"));
    assertThat(once().exit()).isZero();
    assertThat(loaded()).isEqualTo("TV_API_HOST=h2\n");
    assertThat(report().get("status").asText()).isEqualTo("applied");
    assertThat(fleetStatus()).isEqualTo("applied");
  }

  @Test
  void actionLeftDueByACrashIsRetriedUntilItSucceedsAndItsHealthCheckStillReverts() throws Exception {
    loadingAction();
    assertThat(once().exit()).isZero();
    Files.writeString(dir.resolve("slow"), "");
    server.put("/api/v1/entries/global/tv_api/host", "\"h2\"");
    Process crashing = start("agent", "--once", "--config", dir.resolve("agent.yaml").toString());
    io.fleetconf.testing.Eventually.eventually(java.time.Duration.ofSeconds(60), "the new file swapped in",
        () -> file().equals("TV_API_HOST=h2\n"));
    crashing.descendants().forEach(ProcessHandle::destroyForcibly); // killed inside the action, as a reboot would
    crashing.destroyForcibly().waitFor();
    Files.delete(dir.resolve("slow"));

    Files.writeString(dir.resolve("actionfail"), "");
    assertThat(once().exit()).isEqualTo(1);
    assertThat(report().get("status").asText()).isEqualTo("failed");
    assertThat(once().exit()).isEqualTo(1); // still due: run again, and still failed
    assertThat(loaded()).isEqualTo("TV_API_HOST=h1\n");

    Files.delete(dir.resolve("actionfail"));
    Files.delete(dir.resolve("healthy")); // the action runs now, and the new content makes the service unhealthy
    assertThat(once().exit()).isEqualTo(2);
    assertThat(file()).isEqualTo("TV_API_HOST=h1\n");
    assertThat(loaded()).isEqualTo("TV_API_HOST=h1\n");
    assertThat(report().get("status").asText()).isEqualTo("rolled_back");
  }

  @Test
  void retryOfANamespaceTheAgentDoesNotHaveSaysSo() throws Exception {
    config("");
    Process retry = start("agent", "retry", "--config", dir.resolve("agent.yaml").toString(), "tv_apii");
    assertThat(retry.waitFor()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("run.log")))
        .isEqualTo("fleetconf: no output of this agent is in namespace 'tv_apii' (its namespaces: tv_api)\n");
  }

  /** An agent config with these outputs (YAML list items) and no action. */
  private void outputs(String top, String outputs) throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\n"
        + "token: " + server.token() + "\nstate_dir: " + dir.resolve("state") + "\n" + top + "outputs:\n" + outputs);
  }

  @Test
  void twoOutputsWritingOneFileAreRefusedNamingBothAndThePath() throws Exception {
    Path out = dir.resolve("out");
    outputs("", "  - {name: one, namespace: tv_api, format: env, destination: " + out.resolve("a.env") + "}\n"
        + "  - {name: two, namespace: tv_api, format: json, destination: " + out.resolve("../out/./a.env") + "}\n");
    Run run = once();
    assertThat(run.exit() + " " + run.log().strip()).isEqualTo("1 fleetconf: agent config: outputs.one and outputs.two"
        + " both write " + out.resolve("a.env") + "; give each output its own destination");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void relativeAndHomePathsAreRefusedNamingTheSettingAndTheValue() throws Exception {
    // One real agent for the refusal as a whole; every path setting is checked in AgentConfigTest.
    outputs("", "  - {name: t, namespace: tv_api, format: env, destination: ~/t.env}\n");
    Run run = once();
    assertThat(run.exit() + " " + run.log().strip())
        .isEqualTo("1 fleetconf: agent config: outputs.t.destination must be an absolute path, was '~/t.env'");
    try (var written = Files.list(dir)) { // nothing landed relative to the agent's working directory
      assertThat(written.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("agent.yaml", "healthy", "run.log", "tv_api.env.j2");
    }
  }

  private String refused(String extra, String health) throws Exception {
    config(extra);
    Files.writeString(dir.resolve("agent.yaml"), Files.readString(dir.resolve("agent.yaml")) + health);
    Process daemon = start("agent", "--config", dir.resolve("agent.yaml").toString());
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor();
      return "still running: " + Files.readString(dir.resolve("run.log"));
    }
    return daemon.exitValue() + " " + Files.readString(dir.resolve("run.log")).strip();
  }

  @Test
  void badSettingsRefuseToStartNamingTheSetting() throws Exception {
    String file = dir.resolve("agent.yaml").toString();
    // the line added (at the top, or in the action, or in its health check) -> the setting and the value it names
    record Bad(String top, String action, String setting, String value) {}
    for (Bad bad : List.of(new Bad("debounce: soon\n", "", "debounce", "soon"),
        new Bad("", "    timeout: 10 minutes\n", "actions.reload.timeout", "10 minutes"),
        new Bad("", "      timeout: 5x\n", "actions.reload.health.timeout", "5x"),
        new Bad("", "      interval: -1s\n", "actions.reload.health.interval", "-1s"))) {
      assertThat(refused(bad.top(), bad.action())).isEqualTo("1 fleetconf: agent config: " + bad.setting()
          + " must be a duration like 500ms, 30s or 5m, was '" + bad.value() + "'");
    }
    assertThat(refused("poll_wait: 0s\n", "")).isEqualTo("1 fleetconf: agent config: poll_wait must be more than 0,"
        + " was '0s'");
    assertThat(refused("", "      retries: -1\n")).isEqualTo("1 fleetconf: agent config:"
        + " actions.reload.health.retries must be 0 or more, was -1");
    assertThat(refused("", "      timout: 5s\n")).isEqualTo("1 fleetconf: cannot read agent config " + file
        + ": unknown setting actions.reload.health.timout");
    assertThat(refused("", "      retries: many\n")).startsWith("1 fleetconf: cannot read agent config " + file
        + ": actions.reload.health.retries: Cannot deserialize value of type `java.lang.Integer` from String \"many\"");
  }
}
