package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetconf fleet status} against a real server, with reports sent as the device sends them. */
class FleetStatusCommandTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"));
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // revision 2
    server.put("/api/v1/entries/global/common/log_level", "\"debug\""); // revision 3
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRolledBackDeviceShowsTheRevisionItRunsAndDrift() {
    String token = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"vv-1\"}").json().get("token").asText();
    // The agent tried revision 3, its health check failed, and it put revision 2's file back.
    String report = "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"sha256:cd\", \"status\": \"rolled_back\","
        + " \"error\": \"health check failed: exit 1\", \"agentVersion\": \"0.2.0\", \"runningRevision\": 2}";
    assertThat(server.send("POST", "/api/v1/devices/vv-1/reports", report.getBytes(StandardCharsets.UTF_8),
        "application/json", "Bearer " + token).status()).isEqualTo(201);

    StringWriter out = new StringWriter();
    int exit = Main.commandLine().setOut(new PrintWriter(out))
        .execute("fleet", "status", "--addr=" + server.uri(), "--token=" + server.token());

    assertThat(exit).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).split("\\s{2,}")).containsExactly(
        "DEVICE", "DESIRED", "REPORTED", "STATUS", "DRIFT", "STALE", "LAST SEEN", "ERROR");
    String[] cells = lines.get(1).split("\\s{2,}");
    assertThat(List.of(cells).subList(0, 6)).containsExactly("vv-1", "3", "2", "rolled_back", "yes", "no");
    assertThat(cells[6]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(cells[7]).isEqualTo("common: health check failed: exit 1");
  }
}
