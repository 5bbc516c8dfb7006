package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;

/** Reports posted as an agent posts them: with the device's own token, of the config it reads now. */
final class DeviceReports {
  private DeviceReports() {}

  /** {@code device} says {@code status} of namespace {@code namespace} at the revision it reads now. */
  static void report(TestServer server, String device, String namespace, String status) {
    long revision = server.get("/api/v1/devices/" + device + "/config/" + namespace).json().get("revision").asLong();
    String token = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"" + device + "\"}").json()
        .get("token").asText();
    Reply reply = server.send("POST", "/api/v1/devices/" + device + "/reports", ("{\"namespace\": \"" + namespace
        + "\", \"revision\": " + revision + ", \"hash\": \"h\", \"status\": \"" + status + "\"}")
        .getBytes(StandardCharsets.UTF_8), "application/json", "Bearer " + token);
    assertThat(reply.status()).as(reply.body()).isIn(200, 201, 204);
  }
}
