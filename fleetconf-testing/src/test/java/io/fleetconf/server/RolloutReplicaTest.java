package io.fleetconf.server;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.TestDatabases;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout over two replicas on one PostgreSQL database: both show the same state, both refuse
 * writes to what it holds, each step is taken once though both drive it, and when the replica it
 * started on dies the other carries it to the end. Devices report through the API as agents do.
 */
@EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
@Timeout(120)
class RolloutReplicaTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  @TempDir Path dir;
  private final List<TestServer> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(TestServer::close);
  }

  @Test
  void twoReplicasAgreeOnARolloutAndTheSurvivorFinishesIt() throws Exception {
    String store = TestDatabases.freshSchema();
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    TestServer a = TestServer.on(dir.resolve("a")).withStore(store).withMasterKeyFile(key).startNow();
    replicas.add(a);
    TestServer b = TestServer.on(dir.resolve("b")).withStore(store).withMasterKeyFile(key).withToken(a.token())
        .startNow();
    replicas.add(b);
    for (int i = 1; i <= 4; i++) {
      a.post("/api/v1/devices", "{\"id\": \"cam-" + i + "\", \"groups\": [\"" + (i == 1 ? "ring/canary" : "ring/main")
          + "\"]}");
    }
    a.put("/api/v1/entries/global/cam/fps", "25");
    a.put("/api/v1/entries/plain/fleetconf/rollout-policies/cam",
        "{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"bakeSeconds\": 0}");

    Reply started = a.put("/api/v1/entries/global/cam/fps", "30"); // the namespace's own policy applies
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asText();
    eventually(DEADLINE, () -> "replica b shows rollout " + id, () -> b.get("/api/v1/rollouts/" + id).status() == 200);
    assertThat(b.get("/api/v1/rollouts/" + id).json()).isEqualTo(a.get("/api/v1/rollouts/" + id).json());
    assertThat(fps(b, "cam-1")).isEqualTo(30);
    assertThat(fps(b, "cam-2")).isEqualTo(25);
    Reply refused = b.put("/api/v1/entries/global/cam", "{\"fps\": 60}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText())
        .isEqualTo("global/cam is held by rollout " + id + " (running): wait for it, or abort or promote it first");

    report(b, "cam-1");
    eventually(DEADLINE, () -> "wave 2 released", () -> b.get("/api/v1/rollouts/" + id).json().get("released")
        .asInt() == 2);
    a.close(); // the replica that started it goes away
    eventually(DEADLINE, () -> "cam-2 at 30 on b", () -> fps(b, "cam-2") == 30);
    for (int i = 2; i <= 4; i++) {
      report(b, "cam-" + i);
    }
    eventually(DEADLINE, () -> "completed on b", () -> b.get("/api/v1/rollouts/" + id).json().get("state").asText()
        .equals("completed"));
    assertThat(b.get("/api/v1/entries/global/cam/fps").json().get("value").asInt()).isEqualTo(30);
    List<String> steps = new ArrayList<>();
    b.get("/api/v1/history?prefix=plain/fleetconf/rollouts/" + id).json().get("changeSets")
        .forEach(c -> steps.add(0, c.get("message").asText().replaceAll(":.*", "")));
    // each step once, though both replicas drove the rollout while both ran
    assertThat(steps).containsExactly("rollout " + id + " started (policy cam, 2 waves); wave 1 (ring/canary) released"
        + " to 1 device(s)", "rollout " + id + "", "rollout " + id + "", "rollout " + id + "",
        "rollout " + id + " completed (every wave applied and baked)");
  }

  private static int fps(TestServer server, String device) {
    return server.get("/api/v1/devices/" + device + "/config/cam").json().get("config").get("fps").asInt();
  }

  private static void report(TestServer server, String device) {
    DeviceReports.report(server, device, "cam", "applied");
  }
}
