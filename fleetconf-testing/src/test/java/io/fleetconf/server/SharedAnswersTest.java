package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fan-out sends every device that shares a rendering the same encoded bytes after its own
 * {@code device} field: no device may ever be sent another's id, another's override or another's
 * namespace, and each answer must be byte for byte what encoding it whole would give.
 */
class SharedAnswersTest {
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int DEVICES = 24;

  @RegisterExtension final TestServer server = TestServer.fresh();

  /** Ids of different lengths, so that a head of the wrong length would shift the shared part. */
  private static String id(int i) {
    return i % 3 == 0 ? "vv-" + i : i % 3 == 1 ? "device-with-a-much-longer-id-" + i : "d" + i;
  }

  @Test
  void everyDeviceOfOneFanOutGetsItsOwnIdOverridesAndNamespace() throws Exception {
    for (int i = 0; i < DEVICES; i++) {
      server.post("/api/v1/devices", "{\"id\": \"" + id(i) + "\", \"groups\": [\"site/" + (i % 2 == 0 ? "lisbon" : "porto")
          + "\"]}");
    }
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    server.put("/api/v1/entries/groups/site/porto/common/dvr_ip", "\"10.2.0.1\"");
    for (int i = 0; i < DEVICES; i += 4) {
      server.put("/api/v1/entries/devices/" + id(i) + "/common/camera", "\"cam-" + i + "\"");
    }
    long before = server.revision();
    Map<String, CompletableFuture<Reply>> held = new LinkedHashMap<>();
    for (int i = 0; i < DEVICES; i++) {
      String path = "/api/v1/devices/" + id(i) + "/config" + (i % 5 == 0 ? "/common" : "");
      held.put(path, server.getAsync(path + "?index=" + before + "&wait=60s"));
    }
    server.awaitHeldWatches(DEVICES);

    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");

    for (int i = 0; i < DEVICES; i++) {
      String path = "/api/v1/devices/" + id(i) + "/config" + (i % 5 == 0 ? "/common" : "");
      Reply woken = held.get(path).get(30, TimeUnit.SECONDS);
      assertThat(woken.status()).as(path).isEqualTo(200);
      assertThat(woken.body()).as(path).isEqualTo(PRETTY.writeValueAsString(woken.json()) + "\n");
      assertThat(woken.json().get("device").asText()).as(path).isEqualTo(id(i));
      assertThat(woken.json().get("revision").asLong()).as(path).isEqualTo(before + 1);
      var common = i % 5 == 0 ? woken.json().get("config") : woken.json().get("config").get("common");
      assertThat(common.get("log_level").asText()).as(path).isEqualTo("debug");
      assertThat(common.has("dvr_ip")).as(path).isEqualTo(i % 2 == 1);
      assertThat(common.has("camera") ? common.get("camera").asText() : null).as(path)
          .isEqualTo(i % 4 == 0 ? "cam-" + i : null);
      assertThat(woken.json().has("namespace")).as(path).isEqualTo(i % 5 == 0);
      // And the same bytes as the device reads without a watch.
      assertThat(server.get(path).body()).as(path).isEqualTo(woken.body());
    }
  }

  @Test
  void aResyncAndAPlainAnswerOfOneRenderingAreEachEncodedWhole() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    Reply plain = server.get("/api/v1/devices/vv-1/config");
    Reply future = server.get("/api/v1/devices/vv-2/config?index=999&wait=1s"); // an index from the future
    assertThat(plain.body()).isEqualTo(PRETTY.writeValueAsString(plain.json()) + "\n");
    assertThat(future.body()).isEqualTo(PRETTY.writeValueAsString(future.json()) + "\n");
    assertThat(future.json().get("device").asText()).isEqualTo("vv-2");
    assertThat(plain.json().get("device").asText()).isEqualTo("vv-1");
  }
}
