package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FleetStatusTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  private final Map<String, String> tokens = new HashMap<>();

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // revision 3
  }

  private Reply report(String device, String body) {
    return server.send("POST", "/api/v1/devices/" + device + "/reports", body.getBytes(StandardCharsets.UTF_8),
        "application/json", "Bearer " + deviceToken(device));
  }

  private String deviceToken(String device) {
    return tokens.computeIfAbsent(device, id -> server.post("/api/v1/tokens",
        "{\"kind\":\"device\",\"device\":\"" + id + "\"}").json().get("token").asText());
  }

  private Reply asDevice(String device, String path) {
    return server.send("GET", path, null, null, "Bearer " + deviceToken(device));
  }

  private JsonNode device(String query, String id) {
    for (JsonNode device : server.get("/api/v1/fleet/status" + query).json().get("devices")) {
      if (device.get("id").asText().equals(id)) {
        return device;
      }
    }
    return null;
  }

  @Test
  void reportsShowAsDesiredAgainstReportedWithDrift() throws Exception {
    Reply created = report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:ab\","
        + " \"status\": \"applied\", \"agentVersion\": \"0.1.0\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode one = device("", "vv-1");
    assertThat(one.get("desiredRevision").asLong()).isEqualTo(3);
    assertThat(one.get("status").asText()).isEqualTo("applied");
    assertThat(one.get("drift").asBoolean()).isFalse();
    assertThat(one.get("stale").asBoolean()).isFalse();
    assertThat(one.get("namespaces").get(0).get("revision").asLong()).isEqualTo(3);
    assertThat(device("", "vv-2").get("status").isNull()).isTrue();
    assertThat(device("", "vv-2").get("stale").asBoolean()).isTrue();

    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");
    long now = server.revision();
    server.getAsync("/api/v1/devices/vv-1/config/common?index=" + (now - 1) + "&wait=5s").get(); // hub has it
    JsonNode drifted = device("?status=drift", "vv-1");
    assertThat(drifted.get("drift").asBoolean()).isTrue();
    assertThat(drifted.get("namespaces").get(0).get("desiredRevision").asLong()).isEqualTo(now);

    report("vv-1", "{\"namespace\": \"common\", \"revision\": " + now + ", \"hash\": \"sha256:cd\","
        + " \"status\": \"rolled_back\", \"error\": \"health check failed: exit 1\", \"agentVersion\": \"0.1.0\","
        + " \"runningRevision\": 3}");
    JsonNode rolled = device("?status=rolled_back&group=site/lisbon", "vv-1");
    assertThat(rolled.get("drift").asBoolean()).isTrue();
    assertThat(rolled.get("namespaces").get(0).get("error").asText()).isEqualTo("health check failed: exit 1");
    assertThat(server.get("/api/v1/fleet/status?group=site/porto").json().get("devices").size()).isEqualTo(1);
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").size()).isEqualTo(2);
  }

  @Test
  void badReportsAreRefused() {
    Reply unknown = server.post("/api/v1/devices/vv-9/reports", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"x\", \"status\": \"applied\"}");
    assertThat(unknown.status()).isEqualTo(404);
    Reply status = report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"x\", \"status\": \"great\"}");
    assertThat(status.status()).isEqualTo(400);
    assertThat(status.json().get("message").asText())
        .isEqualTo("status must be applied, failed or rolled_back, was 'great'");
    assertThat(server.get("/api/v1/fleet/status?status=sleepy").json().get("message").asText())
        .startsWith("query parameter 'status' must be applied, failed, rolled_back, drift, stale, invalid, held or unreported");
  }

  @Test
  void anOperatorsReadOfADevicesConfigDoesNotMarkTheDeviceSeen() {
    assertThat(server.get("/api/v1/devices/vv-1/config?format=nope").status()).isEqualTo(400);
    assertThat(server.get("/api/v1/devices/vv-1/config").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/devices/vv-1/config/common?index=1&wait=1ms").status()).isEqualTo(200);
    assertThat(server.post("/api/v1/devices/vv-2/reports", "{\"namespace\": \"common\", \"revision\": 3,"
        + " \"hash\": \"sha256:ab\", \"status\": \"applied\"}").status()).isEqualTo(201);
    for (String id : new String[] {"vv-1", "vv-2"}) {
      JsonNode unseen = device("", id);
      assertThat(unseen.get("lastSeen").isNull()).as(id).isTrue();
      assertThat(unseen.get("stale").asBoolean()).as(id).isTrue();
    }

    assertThat(asDevice("vv-1", "/api/v1/devices/vv-1/config").status()).isEqualTo(200);
    JsonNode seen = device("", "vv-1");
    assertThat(seen.get("lastSeen").isNull()).isFalse();
    assertThat(seen.get("stale").asBoolean()).isFalse();
    assertThat(device("", "vv-2").get("lastSeen").isNull()).isTrue();
  }

  @Test
  void aRevertedDeviceShowsTheRevisionItRunsAndDrift() {
    server.put("/api/v1/entries/global/common/log_level", "\"debug\""); // revision 4
    report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:ab\", \"status\": \"applied\"}");
    // What a reverted agent sends: it tried 4, the health check failed, it put 3's content back.
    Reply reverted = report("vv-1", "{\"namespace\": \"common\", \"revision\": 4, \"hash\": \"sha256:cd\","
        + " \"status\": \"rolled_back\", \"error\": \"health check failed: exit 1\", \"agentVersion\": \"0.2.0\","
        + " \"runningRevision\": 3}");
    assertThat(reverted.status()).isEqualTo(201);

    JsonNode line = device("", "vv-1");
    assertThat(line.get("desiredRevision").asLong()).isEqualTo(4);
    assertThat(line.get("status").asText()).isEqualTo("rolled_back");
    assertThat(line.get("drift").asBoolean()).isTrue();
    JsonNode common = line.get("namespaces").get(0);
    assertThat(common.get("revision").asLong()).isEqualTo(4);
    assertThat(common.get("runningRevision").asLong()).isEqualTo(3);
    assertThat(common.get("desiredRevision").asLong()).isEqualTo(4);
    assertThat(common.get("drift").asBoolean()).isTrue();
    assertThat(device("?status=drift", "vv-1")).isNotNull();

    // An agent that does not say what it runs after a failure: not known to run the desired revision.
    report("vv-2", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:ef\", \"status\": \"failed\","
        + " \"error\": \"template error\"}");
    JsonNode failed = device("", "vv-2").get("namespaces").get(0);
    assertThat(failed.get("runningRevision").isNull()).isTrue();
    assertThat(failed.get("drift").asBoolean()).isTrue();
  }

  @Test
  void aRunningRevisionAfterTheReportedOneIsRefused() {
    Reply refused = report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:ab\","
        + " \"status\": \"rolled_back\", \"runningRevision\": 4}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("runningRevision 4 is after the reported revision 3");
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").size()).isZero();
  }

  @Test
  void lastSeenSurvivesARestart() {
    assertThat(asDevice("vv-1", "/api/v1/devices/vv-1/config").status()).isEqualTo(200);
    String seen = device("", "vv-1").get("lastSeen").asText();

    server.restart();

    JsonNode after = device("", "vv-1");
    assertThat(after.get("lastSeen").asText()).isEqualTo(seen);
    assertThat(after.get("stale").asBoolean()).isFalse();
    assertThat(device("", "vv-2").get("lastSeen").isNull()).isTrue();
  }

  @Test
  void everyTimeInTheApiIsIsoUtcToTheMillisecond() {
    String pattern = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:ab\", \"status\": \"applied\"}");
    JsonNode line = device("", "vv-1");
    assertThat(line.get("lastSeen").asText()).matches(pattern);
    assertThat(line.get("namespaces").get(0).get("time").asText()).matches(pattern);
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0).get("time").asText())
        .matches(pattern);
    assertThat(server.get("/api/v1/history?limit=1").json().get("changeSets").get(0).get("time").asText())
        .matches(pattern);
    for (JsonNode token : server.get("/api/v1/tokens").json().get("tokens")) {
      assertThat(token.get("created").asText()).matches(pattern);
    }
  }
}
