package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.server.TestServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FleetStatusTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // revision 3
  }

  private Reply report(String device, String body) {
    return server.post("/api/v1/devices/" + device + "/reports", body);
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
        + " \"status\": \"rolled_back\", \"error\": \"health check failed: exit 1\", \"agentVersion\": \"0.1.0\"}");
    JsonNode rolled = device("?status=rolled_back&group=site/lisbon", "vv-1");
    assertThat(rolled.get("drift").asBoolean()).isFalse();
    assertThat(rolled.get("namespaces").get(0).get("error").asText()).isEqualTo("health check failed: exit 1");
    assertThat(server.get("/api/v1/fleet/status?group=site/porto").json().get("devices").size()).isEqualTo(1);
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").size()).isEqualTo(2);
  }

  @Test
  void badReportsAreRefused() {
    Reply unknown = report("vv-9", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"x\", \"status\": \"applied\"}");
    assertThat(unknown.status()).isEqualTo(404);
    Reply status = report("vv-1", "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"x\", \"status\": \"great\"}");
    assertThat(status.status()).isEqualTo(400);
    assertThat(status.json().get("message").asText())
        .isEqualTo("status must be applied, failed or rolled_back, was 'great'");
    assertThat(server.get("/api/v1/fleet/status?status=sleepy").json().get("message").asText())
        .startsWith("query parameter 'status' must be applied, failed, rolled_back, drift, stale or unreported");
  }
}
