package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.Eventually;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server process: JSON log lines, the access log, and a log level changed while it runs. */
class ServerLogTest {
  private static final Pattern UTC_MILLIS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  private final List<ServerProcess> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    servers.forEach(ServerProcess::close);
  }

  @Test
  void jsonLinesAnAccessLogAndADebugLevelSetAtRunTime(@TempDir Path dir) throws Exception {
    ServerProcess server = ServerProcess.start(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--log-format", "json", "--access-log");
    String token = server.adminToken();
    assertThat(put(server, token, "/api/v1/entries/global/common/log_level", "\"info\"")).isEqualTo(200);
    Eventually.eventually(Duration.ofSeconds(20), () -> "the access line:\n" + server.log(),
        () -> jsonLines(server).stream().anyMatch(line -> line.get("logger").asText().equals("io.fleetconf.access")
            && line.get("message").asText().startsWith("PUT /api/v1/entries/global/common/log_level 200 ")
            && line.get("message").asText().contains(" operator:admin ")));
    assertThat(server.log()).doesNotContain("committed revision");

    CliRun level = logLevel(server, token, "debug");
    assertThat(level.status()).as(level.err()).isZero();
    assertThat(level.out()).isEqualTo("io.fleetconf debug\n");
    assertThat(put(server, token, "/api/v1/entries/global/common/log_level", "\"debug\"")).isEqualTo(200);
    Eventually.eventually(Duration.ofSeconds(20), () -> "the debug line:\n" + server.log(),
        () -> jsonLines(server).stream().anyMatch(line -> line.get("level").asText().equals("debug")
            && line.get("message").asText().matches("committed revision 2: 1 change\\(s\\) from api in \\d+ ms")));

    for (JsonNode line : jsonLines(server)) {
      assertThat(UTC_MILLIS.matcher(line.get("time").asText()).matches()).as(line.toString()).isTrue();
    }
    CliRun bad = logLevel(server, token, "loud");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("fleetconf: level must be error, warn, info, debug, trace or off, was 'loud'"
        + " (400)\n");
  }

  /** Every line of the log that is not the start banner (on stdout) must be a JSON object. */
  private static List<JsonNode> jsonLines(ServerProcess server) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : server.log().split("\n")) {
      if (line.startsWith("{")) {
        out.add(CliRun.JSON.readTree(line));
      }
    }
    return out;
  }

  private int put(ServerProcess server, String token, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Authorization", "Bearer " + token)
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static CliRun logLevel(ServerProcess server, String token, String level) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute("log-level", level, "--addr=" + server.uri(), "--token=" + token);
    return new CliRun(status, out.toString(), err.toString());
  }
}
