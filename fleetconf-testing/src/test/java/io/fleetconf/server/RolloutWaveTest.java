package io.fleetconf.server;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a wave ends when its devices do not all report (issue 19): the wave timeout, devices removed
 * or registered while a rollout runs, devices moved between groups, and the progress the API shows.
 * Devices report through the API as their agents would; no agent processes.
 */
@Timeout(120)
class RolloutWaveTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"ring/canary\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"ring/canary\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-3\", \"groups\": [\"ring/main\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-4\", \"groups\": [\"ring/main\"]}");
    server.put("/api/v1/entries/global/cam/fps", "25");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSilentDeviceWithinTheThresholdIsLeftBehindAndTheNextWaveGoesOut() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"maxFailedPercent\": 50,"
        + " \"waveTimeoutSeconds\": 3}");
    report("cam-1", "applied"); // cam-2 never reports
    eventually(DEADLINE, () -> "wave 2 released", () -> rollout(id).get("released").asInt() == 2);
    JsonNode wave1 = rollout(id).get("waves").get(0);
    assertThat(wave1.get("silent").toString()).isEqualTo("[\"cam-2\"]");
    assertThat(wave1.get("progress").toString()).isEqualTo(
        "{\"released\":2,\"applied\":1,\"failed\":0,\"silent\":1,\"pending\":0,\"gone\":0}");
    assertThat(wave1.get("outcomes").toString()).isEqualTo("{\"cam-1\":\"applied\",\"cam-2\":\"silent\"}");
    assertThat(steps(id)).contains("rollout " + id + ": wave 1 goes on without its silent device(s) cam-2 (1 of 2"
        + " released device(s) silent or failed at the wave's deadline (3s), within the threshold of 50%); baking for"
        + " 0s");
    assertThat(fps("cam-3")).isEqualTo(30);
    report("cam-3", "applied");
    report("cam-4", "applied");
    eventually(DEADLINE, () -> "completed", () -> state(id).equals("completed"));
    assertThat(server.get("/api/v1/entries/global/cam/fps").json().get("value").asInt()).isEqualTo(30);
  }

  @Test
  void aSilentDeviceOverTheThresholdPausesTheRolloutNamingIt() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"waveTimeoutSeconds\": 3}");
    report("cam-1", "applied");
    eventually(DEADLINE, () -> "paused", () -> state(id).equals("paused"));
    JsonNode paused = rollout(id);
    assertThat(paused.get("reason").asText()).isEqualTo("wave 1 (ring/canary): 1 of 2 released device(s) silent or"
        + " failed at the wave's deadline (3s), over the threshold of 0%: silent cam-2");
    assertThat(paused.get("released").asInt()).isEqualTo(1);
    assertThat(paused.get("waves").get(0).get("progress").get("silent").asInt()).isEqualTo(1);
    assertThat(fps("cam-2")).as("a paused rollout leaves released devices the change").isEqualTo(30);
    assertThat(fps("cam-3")).isEqualTo(25);

    Instant before = Instant.parse(paused.get("waves").get(0).get("deadline").asText());
    JsonNode resumed = server.post("/api/v1/rollouts/" + id + "/resume", "{}").json();
    assertThat(resumed.get("state").asText()).isEqualTo("running");
    assertThat(resumed.has("reason")).isFalse();
    assertThat(Instant.parse(resumed.get("waves").get(0).get("deadline").asText())).isAfter(before);
    assertThat(resumed.get("waves").get(0).get("progress").get("pending").asInt())
        .as("a resumed wave waits a whole timeout again").isEqualTo(1);
    report("cam-2", "applied");
    eventually(DEADLINE, () -> "wave 2 released", () -> rollout(id).get("released").asInt() == 2);
    assertThat(rollout(id).get("waves").get(0).has("silent")).isFalse();
  }

  @Test
  void theWaveDeadlineSurvivesARestart() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"waveTimeoutSeconds\": 3}");
    String deadline = rollout(id).get("waves").get(0).get("deadline").asText();
    assertThat(Instant.parse(deadline)).isAfter(Instant.now());

    server.restart(); // the SQLite file reopened

    assertThat(rollout(id).get("waves").get(0).get("deadline").asText()).isEqualTo(deadline);
    eventually(DEADLINE, () -> "paused", () -> state(id).equals("paused"));
    assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(deadline));
    assertThat(rollout(id).get("reason").asText()).endsWith("over the threshold of 0%: silent cam-1, cam-2");
  }

  @Test
  void aRemovedDeviceDoesNotHoldItsWave() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}]}");
    report("cam-1", "applied");
    assertThat(server.delete("/api/v1/devices/cam-2").status()).isEqualTo(200);
    eventually(DEADLINE, () -> "wave 2 released", () -> rollout(id).get("released").asInt() == 2);
    assertThat(rollout(id).get("waves").get(0).get("progress").toString()).isEqualTo(
        "{\"released\":1,\"applied\":1,\"failed\":0,\"silent\":0,\"pending\":0,\"gone\":1}");
    report("cam-3", "applied");
    report("cam-4", "applied");
    eventually(DEADLINE, () -> "completed", () -> state(id).equals("completed"));
  }

  /**
   * A device registered after the start is in no wave: it keeps the stored value, even in the group
   * a released wave named (with the same groups as released devices), until the rollout completes.
   */
  @Test
  void aDeviceRegisteredMidRolloutKeepsTheOldValueUntilCompletion() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-9\", \"groups\": [\"ring/canary\"]}");
    assertThat(fps("cam-1")).isEqualTo(30);
    assertThat(fps("cam-9")).isEqualTo(25);
    assertThat(server.post("/api/v1/rollouts/" + id + "/promote", "{}").json().get("released").asInt()).isEqualTo(2);
    assertThat(fps("cam-3")).isEqualTo(30);
    assertThat(fps("cam-9")).isEqualTo(25);
    assertThat(server.post("/api/v1/rollouts/" + id + "/promote", "{}").json().get("state").asText())
        .isEqualTo("completed");
    assertThat(fps("cam-9")).isEqualTo(30);
  }

  /** Waves are lists of devices fixed at the start: moving a device between groups does not move it between waves. */
  @Test
  void aDeviceMovedBetweenGroupsKeepsItsWave() {
    String id = start("{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}]}");
    server.patch("/api/v1/devices/cam-3", "{\"groups\": [\"ring/canary\"]}"); // into wave 1's group
    server.patch("/api/v1/devices/cam-1", "{\"groups\": [\"ring/main\"]}"); // out of it
    assertThat(fps("cam-3")).isEqualTo(25);
    assertThat(fps("cam-1")).isEqualTo(30);
    JsonNode waves = rollout(id).get("waves");
    assertThat(waves.get(0).get("devices").toString()).isEqualTo("[\"cam-1\",\"cam-2\"]");
    assertThat(server.post("/api/v1/rollouts/" + id + "/promote", "{}").json().get("released").asInt()).isEqualTo(2);
    assertThat(fps("cam-3")).isEqualTo(30);
    assertThat(fps("cam-1")).isEqualTo(30);
  }

  @Test
  void aPolicyWithABadWaveTimeoutIsRefusedNamingIt() {
    long before = server.revision();
    Reply refused = server.put("/api/v1/entries/plain/fleetconf/rollout-policies/cam",
        "{\"waves\": [{\"percent\": 100}], \"waveTimeoutSeconds\": \"60\"}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("rollout policy plain/fleetconf/rollout-policies/cam:"
        + " waveTimeoutSeconds must be an integer >= 0 (0: no timeout), was \"60\"");
    assertThat(server.revision()).isEqualTo(before);
  }

  /** Stores {@code policy} as the namespace's and starts a rollout of fps 25 -> 30; its id. */
  private String start(String policy) {
    assertThat(server.put("/api/v1/entries/plain/fleetconf/rollout-policies/cam", policy).status()).isEqualTo(200);
    Reply started = server.put("/api/v1/entries/global/cam/fps", "30");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    return started.json().get("id").asText();
  }

  private JsonNode rollout(String id) {
    return server.get("/api/v1/rollouts/" + id).json();
  }

  private String state(String id) {
    return rollout(id).get("state").asText();
  }

  private List<String> steps(String id) {
    List<String> out = new ArrayList<>();
    server.get("/api/v1/history?prefix=plain/fleetconf/rollouts/" + id).json().get("changeSets")
        .forEach(c -> out.add(0, c.get("message").asText()));
    return out;
  }

  private int fps(String device) {
    return server.get("/api/v1/devices/" + device + "/config/cam").json().get("config").get("fps").asInt();
  }

  private void report(String device, String status) {
    DeviceReports.report(server, device, "cam", status);
  }
}
