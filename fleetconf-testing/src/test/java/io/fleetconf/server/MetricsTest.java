package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics} counts exactly what happened, in valid Prometheus text; {@code /livez} and {@code /readyz} are open. */
class MetricsTest {
  /** A sample line: a metric name, optional labels, a value (Prometheus text format 0.0.4). */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*})? "
          + "(-?[0-9.]+(E-?[0-9]+)?|NaN|\\+Inf|-Inf)");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void countsAWriteARefusedTokenAHeldWatchAndAFanOutExactly() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}"); // revision 1
    CompletableFuture<Reply> watch = server.getAsync("/api/v1/devices/vv-1/config?index=1&wait=60s");
    server.awaitHeldWatches(1);
    assertThat(metrics()).contains("fleetconf_watches_held 1.0\n");
    assertThat(server.put("/api/v1/entries/global/common/log_level", "\"info\"").status()).isEqualTo(200);
    assertThat(watch.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(server.send("GET", "/api/v1/devices", null, null, "Bearer fc_wrong").status()).isEqualTo(401);

    String metrics = metrics();
    assertThat(metrics)
        .contains("fleetconf_http_requests_total{method=\"PUT\",route=\"/api/v1/entries/*\",status=\"200\"} 1.0\n")
        .contains("fleetconf_http_requests_total{method=\"POST\",route=\"/api/v1/devices\",status=\"201\"} 1.0\n")
        .contains("fleetconf_http_requests_total{method=\"GET\",route=\"/api/v1/devices/*\",status=\"200\"} 1.0\n")
        .contains("fleetconf_http_requests_total{method=\"GET\",route=\"/api/v1/devices\",status=\"401\"} 1.0\n")
        .contains("fleetconf_authentication_failures_total 1.0\n")
        .contains("fleetconf_change_sets_committed_total 2.0\n")
        .contains("fleetconf_commit_duration_seconds_count 2\n")
        .contains("fleetconf_fanout_duration_seconds_count 2\n")
        .contains("fleetconf_http_request_duration_seconds_count{method=\"PUT\",route=\"/api/v1/entries/*\"} 1\n")
        .contains("fleetconf_watches_held 0.0\n")
        .contains("fleetconf_revision 2.0\n")
        .contains("fleetconf_store_available 1.0\n")
        .contains("fleetconf_store_losses_total 0.0\n")
        .contains("fleetconf_devices{status=\"unreported\"} 1.0\n")
        .contains("fleetconf_devices{status=\"applied\"} 0.0\n")
        .contains("fleetconf_devices_flagged{flag=\"stale\"} 1.0\n")
        .contains("fleetconf_rate_limited_total 0.0\n");
    for (String line : metrics.split("\n")) {
      assertThat(SAMPLE.matcher(line).matches() || COMMENT.matcher(line).matches())
          .as("a valid Prometheus text line: " + line).isTrue();
    }
  }

  @Test
  void metricsNeedATokenThatMayReadDevicesAndTheProbesNone() {
    assertThat(server.send("GET", "/metrics", null, null, null).status()).isEqualTo(401);
    String keysOnly = server.post("/api/v1/tokens", "{\"identity\": \"keys\", \"rules\": [\"read global/common/*\"]}")
        .json().get("token").asText();
    assertThat(server.send("GET", "/metrics", null, null, "Bearer " + keysOnly).status()).isEqualTo(403);
    Reply live = server.send("GET", "/livez", null, null, null);
    assertThat(List.of(live.status(), live.body())).isEqualTo(List.of(200, "ok\n"));
    Reply ready = server.send("GET", "/readyz", null, null, null);
    assertThat(List.of(ready.status(), ready.body())).isEqualTo(List.of(200, "ready\n"));
  }

  @Test
  void everyMetricTheGrafanaDashboardUsesIsServed() throws Exception {
    java.nio.file.Path dashboard = java.nio.file.Path.of("").toAbsolutePath()
        .resolve("../docs/grafana/fleetconf-dashboard.json").normalize();
    String text = java.nio.file.Files.readString(dashboard);
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(text); // valid JSON
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // labelled series appear once used
    String served = metrics();
    java.util.regex.Matcher used = Pattern.compile("fleetconf_[a-z_]+").matcher(text);
    int names = 0;
    while (used.find()) {
      names++;
      assertThat(served).as(used.group() + " is served").containsPattern("(?m)^" + used.group() + "[{ ]");
    }
    assertThat(names).isGreaterThan(10);
  }

  private String metrics() {
    Reply reply = server.get("/metrics");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    return reply.body();
  }
}
