package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DevicesApiTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void createListGetUpdateDelete() {
    Reply created = server.post("/api/v1/devices",
        "{\"id\": \"vv-1\", \"groups\": [\"device_type/rpi4\", \"site/lisbon\"], \"labels\": {\"rack\": \"b2\"}}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().toString()).isEqualTo("{\"revision\":1,\"device\":{\"id\":\"vv-1\","
        + "\"groups\":[\"device_type/rpi4\",\"site/lisbon\"],\"labels\":{\"rack\":\"b2\"}}}");
    server.post("/api/v1/devices", "{\"id\": \"vv-0\"}");
    assertThat(server.get("/api/v1/devices").json().get("devices").findValuesAsText("id"))
        .containsExactly("vv-0", "vv-1");

    Reply moved = server.patch("/api/v1/devices/vv-1", "{\"groups\": [\"site/porto\"]}");
    assertThat(moved.json().get("device").toString())
        .isEqualTo("{\"id\":\"vv-1\",\"groups\":[\"site/porto\"],\"labels\":{\"rack\":\"b2\"}}");
    Reply relabelled = server.patch("/api/v1/devices/vv-1", "{\"labels\": {\"rack\": \"c1\", \"hw\": \"pi4\"}}");
    assertThat(relabelled.json().get("device").get("labels").toString()).isEqualTo("{\"hw\":\"pi4\",\"rack\":\"c1\"}");
    assertThat(server.get("/api/v1/devices/vv-1").json().get("groups").toString()).isEqualTo("[\"site/porto\"]");

    assertThat(server.delete("/api/v1/devices/vv-1").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/devices/vv-1").status()).isEqualTo(404);
  }

  /** Issue 14 item 1: an encoded '/' is part of the id it is in, so it cannot reach a resource of another id. */
  @Test
  void anEncodedSlashInADeviceIdStaysInTheIdAndIsRefused() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    Reply config = server.get("/api/v1/devices/vv-1%2Fconfig");
    assertThat(config.status()).isEqualTo(400);
    assertThat(config.json().get("message").asText()).isEqualTo("device id 'vv-1/config' has an illegal character"
        + " in segment 'vv-1/config'; allowed are letters, digits, '_', '-' and '.'");
    Reply namespace = server.get("/api/v1/devices/vv-1/config/common%2Fx");
    assertThat(namespace.status()).isEqualTo(400);
    assertThat(namespace.json().get("message").asText()).isEqualTo("namespace 'common/x' must be one segment, e.g. common");
    assertThat(server.get("/api/v1/devices/vv-1/config/a+b").json().get("message").asText())
        .isEqualTo("key path 'a+b' has an illegal character in segment 'a+b'; allowed are letters, digits, '_', '-' and '.'");
  }

  @Test
  void effectiveConfigFollowsPrecedenceWithProvenance() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"device_type/rpi4\", \"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common", "{\"log_level\": \"info\", \"dvr_ip\": \"10.0.0.1\"}");
    server.put("/api/v1/entries/groups/device_type/rpi4/common/dvr_ip", "\"10.2.0.1\"");
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");

    Reply config = server.get("/api/v1/devices/vv-1/config/common?explain=true");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.header("X-Fleetconf-Revision")).isEqualTo("5");
    assertThat(config.json().get("config").toString()).isEqualTo("{\"log_level\":\"debug\",\"dvr_ip\":\"10.1.0.1\"}");
    assertThat(config.json().get("provenance").toString()).isEqualTo("{"
        + "\"dvr_ip\":{\"scope\":\"groups/site/lisbon\",\"key\":\"groups/site/lisbon/common/dvr_ip\",\"revision\":4},"
        + "\"log_level\":{\"scope\":\"devices/vv-1\",\"key\":\"devices/vv-1/common/log_level\",\"revision\":5}}");
  }

  @Test
  void effectiveConfigRendersEachFormat() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/common", "{\"log_level\": \"info\", \"dvr_ip\": \"10.0.0.1\"}");
    Reply env = server.get("/api/v1/devices/vv-1/config/common?format=env");
    assertThat(env.header("Content-Type")).startsWith("text/plain");
    assertThat(env.body()).isEqualTo("LOG_LEVEL=info\nDVR_IP=10.0.0.1\n");
    assertThat(server.get("/api/v1/devices/vv-1/config/common?format=yaml").body())
        .isEqualTo("log_level: info\ndvr_ip: \"10.0.0.1\"\n");
    assertThat(server.get("/api/v1/devices/vv-1/config/common?format=properties").body())
        .isEqualTo("log_level=info\ndvr_ip=10.0.0.1\n");
    assertThat(server.get("/api/v1/devices/vv-1/config").json().get("config").toString())
        .isEqualTo("{\"common\":{\"log_level\":\"info\",\"dvr_ip\":\"10.0.0.1\"}}");
  }

  @Test
  void movingADeviceToAnotherGroupChangesItsConfig() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    server.put("/api/v1/entries/groups/site/porto/common/dvr_ip", "\"10.2.0.1\"");
    server.patch("/api/v1/devices/vv-1", "{\"groups\": [\"site/porto\"]}");
    assertThat(server.get("/api/v1/devices/vv-1/config/common").json().get("config").get("dvr_ip").asText())
        .isEqualTo("10.2.0.1");
  }

  @Test
  void removingADeviceRemovesItsOverrides() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    server.delete("/api/v1/devices/vv-1");
    assertThat(server.get("/api/v1/entries/devices/vv-1/common/log_level").status()).isEqualTo(404);
  }

  @Test
  void devicesOfOneGroupListShareARenderingButNotEachOthersOverrides() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common", "{\"log_level\": \"info\", \"cameras\": [1, {\"ip\": \"10.0.0.7\"}],"
        + " \"empty\": {}, \"quote\": \"a \\\"b\\\" \\u00e9\"}");
    server.put("/api/v1/entries/groups/site/lisbon/tv/port", "8080");

    String first = server.get("/api/v1/devices/vv-1/config").body();
    assertThat(first).isEqualTo("""
        {
          "device" : "vv-1",
          "revision" : 4,
          "config" : {
            "common" : {
              "log_level" : "info",
              "cameras" : [ 1, {
                "ip" : "10.0.0.7"
              } ],
              "empty" : { },
              "quote" : "a \\"b\\" é"
            },
            "tv" : {
              "port" : 8080
            }
          }
        }
        """);
    assertThat(server.get("/api/v1/devices/vv-2/config").body()).isEqualTo(first.replace("vv-1", "vv-2"));

    server.put("/api/v1/entries/devices/vv-1/tv/port", "9090");
    assertThat(server.get("/api/v1/devices/vv-1/config/tv").json().get("config").toString())
        .isEqualTo("{\"port\":9090}");
    assertThat(server.get("/api/v1/devices/vv-2/config/tv").json().get("config").toString())
        .isEqualTo("{\"port\":8080}");
    assertThat(server.get("/api/v1/devices/vv-2/config/tv?format=env").body()).isEqualTo("PORT=8080\n");
  }
}
