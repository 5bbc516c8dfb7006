package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What devices of one group read while a rollout has released a change to some of them: each gets
 * its own resolution, whichever of them read first. The server renders a config once per snapshot
 * for the devices that share it; it shared renderings by group list, so the first reader's value
 * was served to every member of its groups (a device outside the wave got the held value, and
 * after an abort a released device could keep it).
 */
class RolloutReadsTest {
  @TempDir Path dir;
  private TestServer server;
  private String rollout;

  @BeforeEach
  void startARolloutReleasedToOneDeviceOfTheGroup() throws Exception {
    server = TestServer.on(dir).startNow();
    for (String id : List.of("cam-1", "cam-2", "cam-3")) {
      server.post("/api/v1/devices", "{\"id\": \"" + id + "\", \"groups\": [\"site/porto\"]}");
    }
    server.put("/api/v1/entries/global/cam/fps", "25");
    server.put("/api/v1/entries/plain/fleetconf/rollout-policies/cam",
        "{\"waves\": [{\"devices\": [\"cam-1\"]}, {\"percent\": 100}], \"bakeSeconds\": 3600}");
    Reply started = server.put("/api/v1/entries/global/cam/fps", "30");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    rollout = started.json().get("id").asText();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDeviceOutsideTheWaveReadingAfterAReleasedOneKeepsTheOldValue() {
    assertThat(fps("cam-1")).isEqualTo("30");
    assertThat(fps("cam-2")).isEqualTo("25");
    assertThat(fps("cam-3")).isEqualTo("25");
  }

  @Test
  void aReleasedDeviceReadingAfterOnesOutsideTheWaveGetsTheNewValue() {
    assertThat(fps("cam-2")).isEqualTo("25");
    assertThat(fps("cam-1")).isEqualTo("30");
    assertThat(fps("cam-3")).isEqualTo("25");
  }

  @Test
  void afterAnAbortEveryDeviceOfTheGroupIsBackAtTheOldValue() {
    assertThat(fps("cam-1")).isEqualTo("30");
    Reply aborted = server.post("/api/v1/rollouts/" + rollout + "/abort", "");
    assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
    assertThat(fps("cam-2")).isEqualTo("25");
    assertThat(fps("cam-1")).isEqualTo("25");
  }

  /** The value as served in the device's config body, in its exact text. */
  private String fps(String device) {
    Reply reply = server.get("/api/v1/devices/" + device + "/config/cam");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("config").get("fps").toString();
  }
}
