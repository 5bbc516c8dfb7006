package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real agent processes read their service's version from a file and report it; a value that
 * needs a newer version reaches the upgraded device only, the other keeps its file and shows as
 * held, and upgrading it (the file changes, the agent reports again) brings the value to it.
 */
class VersionRequirementAgentTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90); // an agent's JVM may start slowly on a busy machine
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;
  private final List<Process> agents = new ArrayList<>();

  @AfterEach
  void stop() {
    agents.forEach(Process::destroyForcibly);
  }

  @Test
  void aDeviceBelowTheVersionKeepsItsFileUntilItsServiceIsUpgraded() throws Exception {
    server.put("/api/v1/entries/global/tv_scheduler", "{\"level\": 1, \"channel\": 5}");
    agent("cam-1", "2.4.1\n");
    agent("cam-2", "tv_scheduler 2.2.0 (build 7)\n");
    Eventually.eventually(PATIENCE, () -> assertThat(file("cam-1")).isEqualTo("level: 1\nchannel: 5\n"));
    Eventually.eventually(PATIENCE, () -> assertThat(file("cam-2")).isEqualTo("level: 1\nchannel: 5\n"));
    Eventually.eventually(PATIENCE, "both agents reported their versions", () -> server.get(
        "/api/v1/entries/plain/fleetconf/versions/cam-2").status() == 200 && server.get(
        "/api/v1/entries/plain/fleetconf/versions/cam-1").status() == 200);
    assertThat(server.get("/api/v1/entries/plain/fleetconf/versions/cam-2").json().get("value").toString())
        .isEqualTo("{\"tv_scheduler\":\"2.2.0\"}");

    server.put("/api/v1/entries/global/tv_scheduler/level?requires="
        + URLEncoder.encode("tv_scheduler >= 2.3", StandardCharsets.UTF_8), "2");

    Eventually.eventually(PATIENCE, () -> assertThat(file("cam-1")).isEqualTo("level: 2\nchannel: 5\n"));
    // cam-2's config did not change, so it was not woken (the same fan-out woke cam-1): its file stays
    assertThat(server.get("/api/v1/devices/cam-2/config/tv_scheduler").json().get("config").toString())
        .isEqualTo("{\"level\":1,\"channel\":5}");
    assertThat(file("cam-2")).isEqualTo("level: 1\nchannel: 5\n");
    assertThat(status("cam-2").get("held").toString()).isEqualTo("[\"tv_scheduler >= 2.3\"]");
    assertThat(status("cam-1").get("held").toString()).isEqualTo("[]");

    Files.writeString(dir.resolve("cam-2").resolve("VERSION"), "tv_scheduler 2.3.1 (build 9)\n"); // upgraded

    Eventually.eventually(PATIENCE, () -> assertThat(file("cam-2")).isEqualTo("level: 2\nchannel: 5\n"));
    Eventually.eventually(PATIENCE, "cam-2 no longer held", () -> status("cam-2").get("held").isEmpty());
  }

  /** Starts an agent for {@code device} whose tv_scheduler version file holds {@code version}. */
  private void agent(String device, String version) throws IOException {
    server.post("/api/v1/devices", "{\"id\": \"" + device + "\", \"groups\": [\"site/porto\"]}");
    String token = server.post("/api/v1/tokens", "{\"kind\": \"device\", \"device\": \"" + device + "\"}").json()
        .get("token").asText();
    Path home = Files.createDirectories(dir.resolve(device));
    Files.writeString(home.resolve("VERSION"), version);
    Path config = Files.writeString(home.resolve("agent.yaml"), "server: " + server.uri() + "\ntoken: " + token
        + "\ndevice_id: " + device + "\nstate_dir: " + home.resolve("state") + "\ndebounce: 50ms\n"
        + "versions_interval: 200ms\nversions:\n  - service: tv_scheduler\n    file: " + home.resolve("VERSION")
        + "\n    regex: '(\\d+\\.\\d+\\.\\d+)'\noutputs:\n  - name: tv_scheduler.yaml\n    namespace: tv_scheduler\n"
        + "    format: yaml\n    destination: " + home.resolve("tv_scheduler.yaml") + "\n");
    List<String> command = ChildJvm.command(List.of("-Xmx96m"), Main.class.getName(), "agent", "--config",
        config.toString());
    agents.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile())
        .start());
  }

  private String file(String device) throws IOException {
    Path file = dir.resolve(device).resolve("tv_scheduler.yaml");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private JsonNode status(String device) {
    for (JsonNode line : server.get("/api/v1/fleet/status").json().get("devices")) {
      if (line.get("id").asText().equals(device)) {
        return line;
      }
    }
    throw new AssertionError("no " + device + " in the fleet view");
  }
}
