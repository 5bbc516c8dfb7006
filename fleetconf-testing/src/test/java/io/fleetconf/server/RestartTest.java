package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
  @TempDir Path dir;

  @Test
  void entriesDevicesAndHistorySurviveARestartAndTheRevisionContinues() {
    try (TestServer server = TestServer.start(dir)) {
      server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"], \"labels\": {\"a\": \"b\"}}");
      server.put("/api/v1/entries/global/common/log_level", "\"info\"");
      server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
      String entries = server.get("/api/v1/entries?recurse=true").body();
      String devices = server.get("/api/v1/devices").body();
      String history = server.get("/api/v1/history").body();
      String config = server.get("/api/v1/devices/vv-1/config?explain=true").body();

      server.restart();

      assertThat(server.revision()).isEqualTo(3);
      assertThat(server.get("/api/v1/entries?recurse=true").body()).isEqualTo(entries);
      assertThat(server.get("/api/v1/devices").body()).isEqualTo(devices);
      assertThat(server.get("/api/v1/history").body()).isEqualTo(history);
      assertThat(server.get("/api/v1/devices/vv-1/config?explain=true").body()).isEqualTo(config);
      assertThat(server.put("/api/v1/entries/global/common/x", "1").json().get("revision").asLong()).isEqualTo(4);
    }
  }

  /** A client's idle keep-alive connection is closed when the server stops, not left open unanswered. */
  @Test
  void stoppingClosesEveryConnection() throws Exception {
    try (TestServer server = TestServer.start(dir);
        java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
      socket.setSoTimeout(10_000);
      var in = socket.getInputStream();
      socket.getOutputStream().write(("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] answer = new byte[4096];
      String head = new String(answer, 0, in.read(answer), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(head).startsWith("HTTP/1.1 200 ");

      server.stop();

      while (in.read(answer) > 0) {
        // the rest of the answer, if it came in pieces
      }
      assertThat(in.read()).as("end of stream, not a read timeout").isEqualTo(-1);
    }
  }
}
