package io.fleetconf.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;

/** Reports posted as an agent posts them: with the device's own token, over HTTP. */
final class Reports {
  private Reports() {}

  /** {@code device} reports {@code status} for namespace common at the current revision (running it if applied). */
  static void report(TestServer server, String device, String status, String error) {
    String token = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"" + device + "\"}").json()
        .get("token").asText();
    long revision = server.revision();
    String running = status.equals("applied") ? ", \"runningRevision\": " + revision : "";
    String body = "{\"namespace\": \"common\", \"revision\": " + revision + ", \"hash\": \"sha256:ab\", \"status\": \""
        + status + "\"" + (error == null ? "" : ", \"error\": \"" + error + "\"") + running + "}";
    Reply sent = server.send("POST", "/api/v1/devices/" + device + "/reports", body.getBytes(StandardCharsets.UTF_8),
        "application/json", "Bearer " + token);
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
  }
}
