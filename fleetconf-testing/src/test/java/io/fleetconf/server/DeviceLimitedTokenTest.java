package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator token limited to some devices ({@code read devices vv-lis-*}): it reads those
 * devices' config on every path, and gets 403 for any other device and for the fleet-wide views.
 */
class DeviceLimitedTokenTest {
  @RegisterExtension static final TestServer server = TestServer.fresh();

  private static final String REPORT = "{\"namespace\": \"common\", \"revision\": 3, \"hash\": \"x\", \"status\": \"applied\"}";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static String lisbonReader;
  private static String lisbonReporter;

  @BeforeAll
  static void fleet() {
    for (String device : List.of("vv-lis-01", "vv-prt-01")) {
      assertThat(server.post("/api/v1/devices", "{\"id\": \"" + device + "\", \"groups\": [\"site/x\"]}").status())
          .isEqualTo(201);
    }
    assertThat(server.put("/api/v1/entries/global/common/log_level", "\"info\"").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/global/common/password?secret=true", "\"hunter2\"").status())
        .isEqualTo(200);
    lisbonReader = token("lis-reader", "read devices vv-lis-*");
    lisbonReporter = token("lis-sync", "write devices vv-lis-*\", \"read secrets");
  }

  /** Every way to read a device's config (plus its record and reports), for one device. */
  private static List<String> configPaths(String device) {
    String base = "/api/v1/devices/" + device;
    return List.of(base, base + "/reports", base + "/config", base + "/config/common",
        base + "/config/common?format=yaml", base + "/config?explain=true",
        base + "/config?index=" + server.revision() + "&wait=100ms",
        "/api/v1/diff?from=0&device=" + device);
  }

  @Test
  void readsTheMatchingDevicesConfigOnEveryPathAndGets403ForAnotherDevice() throws Exception {
    for (String path : configPaths("vv-lis-01")) {
      Reply reply = as(lisbonReader, "GET", path, null);
      assertThat(reply.status()).as(path + ": " + reply.body()).isEqualTo(200);
    }
    assertThat(as(lisbonReader, "GET", "/api/v1/devices/vv-lis-01/config/common", null).json()
        .get("config").get("log_level").asText()).isEqualTo("info");
    assertThat(sseStatus(lisbonReader, "vv-lis-01")).isEqualTo(200);
    for (String path : configPaths("vv-prt-01")) {
      Reply reply = as(lisbonReader, "GET", path, null);
      assertThat(reply.status()).as(path).isEqualTo(403);
      assertThat(reply.body()).as(path).doesNotContain("info");
    }
    assertThat(sseStatus(lisbonReader, "vv-prt-01")).isEqualTo(403);
    assertThat(as(lisbonReader, "GET", "/api/v1/devices/vv-prt-01/config", null).json().get("message").asText())
        .startsWith("token 'lis-reader' (").endsWith(") may not read device 'vv-prt-01'");
  }

  @Test
  void aDeviceLimitedTokenGetsNoFleetWideViewNoKeysAndNoWrites() {
    for (String path : List.of("/api/v1/devices", "/api/v1/fleet/status", "/api/v1/changes?since=0",
        "/api/v1/diff?from=0", "/api/v1/entries/global/common/log_level")) {
      assertThat(as(lisbonReader, "GET", path, null).status()).as(path).isEqualTo(403);
    }
    assertThat(as(lisbonReader, "POST", "/api/v1/devices/vv-lis-01/reports", REPORT).status()).isEqualTo(403);
    assertThat(as(lisbonReporter, "PATCH", "/api/v1/devices/vv-lis-01", "{\"groups\": []}").status()).isEqualTo(403);
    assertThat(as(lisbonReporter, "DELETE", "/api/v1/devices/vv-lis-01", null).status()).isEqualTo(403);
    assertThat(as(lisbonReporter, "POST", "/api/v1/devices", "{\"id\": \"vv-lis-09\"}").status()).isEqualTo(403);
    assertThat(as(lisbonReader, "GET", "/api/v1/devices/vv-lis-01/config/common", null).json()
        .get("config").get("password").asText()).isEqualTo("********");
  }

  @Test
  void writeDevicesWithAPatternPostsReportsOnlyForTheMatchingDevices() {
    assertThat(as(lisbonReporter, "POST", "/api/v1/devices/vv-lis-01/reports", REPORT).status()).isEqualTo(201);
    assertThat(as(lisbonReporter, "POST", "/api/v1/devices/vv-prt-01/reports", REPORT).status()).isEqualTo(403);
    assertThat(as(lisbonReporter, "GET", "/api/v1/devices/vv-lis-01/config/common", null).json()
        .get("config").get("password").asText()).isEqualTo("hunter2");
    assertThat(as(lisbonReporter, "GET", "/api/v1/devices/vv-prt-01/config/common", null).status()).isEqualTo(403);
  }

  @Test
  void malformedDeviceRulesAreRefusedByName() {
    for (String rule : List.of("read devices vv lis", "read devices vv-*-01", "read devices fleet/devices/*",
        "admin devices vv-*", "read secrets vv-*")) {
      Reply reply = server.post("/api/v1/tokens", "{\"identity\": \"x\", \"rules\": [\"" + rule + "\"]}");
      assertThat(reply.status()).as(rule).isEqualTo(400);
      assertThat(reply.json().get("error").asText()).isEqualTo("invalid_rule");
      assertThat(reply.json().get("message").asText()).startsWith("rule '" + rule + "' is not one of");
    }
  }

  private static String token(String identity, String rules) {
    Reply reply = server.post("/api/v1/tokens", "{\"identity\": \"" + identity + "\", \"rules\": [\"" + rules + "\"]}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("token").asText();
  }

  private static Reply as(String token, String method, String path, String body) {
    return server.send(method, path, body == null ? null : body.getBytes(UTF_8), body == null ? null : "application/json",
        "Bearer " + token);
  }

  /** The status of a Server-Sent Events request for the device's config; the stream is let go at once. */
  private static int sseStatus(String token, String device) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/devices/" + device + "/config"))
        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
    HttpResponse<java.util.stream.Stream<String>> response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .get(10, TimeUnit.SECONDS);
    response.body().close();
    return response.statusCode();
  }
}
