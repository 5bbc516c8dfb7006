package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An object's keys keep the order they were written in, from a {@code PUT} to the entry read back
 * and to a device's config, as Ansible keeps an inventory's order: a template printing a dict
 * writes its keys in that order.
 */
class KeyOrderTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private static final String UNSORTED = "{\"zone\":\"eu\",\"app_mode\":\"prod\",\"bind\":{\"port\":80,\"addr\":\"0.0.0.0\"},\"log\":\"info\"}";

  @Test
  void anObjectPutAsJsonReadsBackInItsOwnKeyOrder() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    assertThat(server.put("/api/v1/entries/global/vars/service_env", UNSORTED).status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/global/vars/service_env").json().get("value").toString()).isEqualTo(UNSORTED);
    assertThat(server.get("/api/v1/devices/vv-1/config/vars").json().get("config").get("service_env").toString())
        .isEqualTo(UNSORTED);
  }

  @Test
  void anObjectPutAsYamlReadsBackInItsOwnKeyOrder() {
    String yaml = "zone: eu\napp_mode: prod\nbind:\n  port: 80\n  addr: 0.0.0.0\nlog: info\n";
    server.send("PUT", "/api/v1/entries/global/vars/service_env", yaml.getBytes(StandardCharsets.UTF_8),
        "application/yaml", "Bearer " + server.token());
    assertThat(server.get("/api/v1/entries/global/vars/service_env").json().get("value").toString()).isEqualTo(UNSORTED);
  }
}
