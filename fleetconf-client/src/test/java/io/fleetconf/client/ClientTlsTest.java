package io.fleetconf.client;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client library over HTTPS, trusting the fleet CA, with a device token: it sees only its own config. */
class ClientTlsTest {
  @RegisterExtension final TestServer server = TestServer.fresh().tls();
  @TempDir Path dir;

  @Test
  void aDeviceTokenOverTlsGetsItsConfigWithItsSecretsAndFollowsChanges() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/groups/site/lisbon/tv_api/hmac_key?secret=true", "\"k-77\"");
    String token = server.post("/api/v1/tokens", "{\"kind\": \"device\", \"device\": \"vv-1\"}").json().get("token").asText();

    try (FleetconfClient client = FleetconfClient.builder().server(server.uri().toString()).deviceId("vv-1")
        .token(token).caFile(server.caFile()).cacheDirectory(dir.resolve("cache"))
        .startTimeout(Duration.ofSeconds(5)).waitTime(Duration.ofSeconds(30)).start()) {
      assertThat(client.config().source()).isEqualTo(Source.SERVER);
      assertThat(client.config().getString("tv_api/hmac_key", "")).isEqualTo("k-77");
      assertThat(client.config().secretPaths()).isEqualTo(List.of("tv_api/hmac_key"));
      assertThat(client.config().subtree("tv_api").secretPaths()).isEqualTo(List.of("hmac_key"));
      server.put("/api/v1/entries/global/tv_api/port", "8081");
      eventually(Duration.ofSeconds(15), "change seen", () -> client.config().getInt("tv_api/port", 0) == 8081);
    }
  }

  @Test
  void withoutTheFleetCaTheServerIsNotTrusted() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    FleetconfClient client = FleetconfClient.builder().server(server.uri().toString()).deviceId("vv-1")
        .token(server.token()).startTimeout(Duration.ofSeconds(2)).start();
    try (client) {
      assertThat(client.config().source()).isEqualTo(Source.DEFAULTS);
      assertThat(client.status().connected()).isFalse();
      assertThat(client.status().lastError().orElseThrow()).contains("PKIX");
    }
    assertThatThrownBy(() -> FleetconfClient.builder().server(server.uri().toString()).deviceId("vv-1").start())
        .isInstanceOf(ConfigException.class)
        .hasMessage("a token or a client certificate is required with a server");
  }
}
