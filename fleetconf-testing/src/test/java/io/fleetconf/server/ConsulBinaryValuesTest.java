package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 13: Consul stores any bytes. Bytes that are not UTF-8 are kept byte for byte, on
 * plain and layered keys, through restarts, history, rollback and restore; the native API shows
 * them as base64 with {@code "encoding": "base64"}, a device's config as the base64 text.
 */
class ConsulBinaryValuesTest extends ConsulTestSupport {
  static final byte[] BYTES = {0, (byte) 0xFF, (byte) 0xFE, 'o', 'k', 0, (byte) 0xC3, 0x28, (byte) 0x80};

  static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(text.getBytes(UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] random(long seed) {
    byte[] bytes = new byte[4096];
    new Random(seed).nextBytes(bytes);
    bytes[0] = (byte) 0xFF; // never valid UTF-8, whatever the seed
    return bytes;
  }

  @Test
  void nonUtf8BytesAreStoredAndReadBackByteExactOnPlainAndLayeredKeys() {
    byte[] zipped = gzip("timezone: Europe/Lisbon\n".repeat(50));
    byte[] noise = random(14);
    assertTrueAnswer(consul("PUT", "/v1/kv/config/app1/blob", BYTES));
    assertTrueAnswer(consul("PUT", "/v1/kv/fleet/global/app/zipped", zipped));
    assertTrueAnswer(consul("PUT", "/v1/kv/fleet/global/app/noise", noise));

    assertBytes("config/app1/blob", BYTES);
    assertBytes("fleet/global/app/zipped", zipped);
    assertBytes("fleet/global/app/noise", noise);
    Answer txn = txn("[{\"KV\":{\"Verb\":\"get\",\"Key\":\"config/app1/blob\"}},"
        + "{\"KV\":{\"Verb\":\"get-tree\",\"Key\":\"fleet/global/app/\"}}]");
    assertThat(txn.status()).as(txn.text()).isEqualTo(200);
    assertThat(decode(txn.json().at("/Results/0/KV/Value"))).isEqualTo(BYTES);
    assertThat(decode(txn.json().at("/Results/1/KV/Value"))).isEqualTo(noise);
    assertThat(decode(txn.json().at("/Results/2/KV/Value"))).isEqualTo(zipped);
  }

  @Test
  void nativeApiAndDeviceConfigShowABinaryValueAsBase64() {
    byte[] zipped = gzip("hello");
    String base64 = Base64.getEncoder().encodeToString(zipped);
    assertTrueAnswer(consul("PUT", "/v1/kv/fleet/global/app/zipped", zipped));
    device("d1", "site/lisbon");

    JsonNode entry = nativeEntry("global/app/zipped");
    assertThat(entry.get("value").asText()).isEqualTo(base64);
    assertThat(entry.get("encoding").asText()).isEqualTo("base64");
    assertThat(server.get("/api/v1/devices/d1/config/app").json().at("/config/zipped").asText()).isEqualTo(base64);
    assertThat(server.get("/api/v1/devices/d1/config/app?format=yaml").body()).isEqualTo("zipped: " + base64 + "\n");
    assertThat(server.get("/api/v1/devices/d1/config/app?format=env").body()).isEqualTo("ZIPPED=" + base64 + "\n");
    assertThat(server.get("/api/v1/devices/d1/config/app?format=properties").body())
        .isEqualTo("zipped=" + base64 + "\n");
    JsonNode change = server.get("/api/v1/history?limit=1&prefix=global/app").json().at("/changeSets/0/changes/0");
    assertThat(change.get("after").asText()).isEqualTo(base64);
    assertThat(change.get("afterEncoding").asText()).isEqualTo("base64");
  }

  @Test
  void binaryValueSurvivesARestartRollbackAndRestore() {
    byte[] first = random(1);
    byte[] second = random(2);
    assertTrueAnswer(consul("PUT", "/v1/kv/config/app1/blob", first));
    long firstRevision = server.revision();
    assertTrueAnswer(consul("PUT", "/v1/kv/config/app1/blob", second));
    long secondRevision = server.revision();

    server.restart();
    assertBytes("config/app1/blob", second);

    assertThat(server.post("/api/v1/rollback", "{\"revision\":" + secondRevision + "}").status()).isEqualTo(200);
    assertBytes("config/app1/blob", first);
    assertTrueAnswer(consul("PUT", "/v1/kv/config/app1/blob", "text".getBytes(UTF_8)));
    TestServer.Reply restore = server.post("/api/v1/restore",
        "{\"prefix\":\"plain/config/app1\",\"revision\":" + secondRevision + "}");
    assertThat(restore.status()).as(restore.body()).isEqualTo(200);
    assertBytes("config/app1/blob", second);
    assertThat(firstRevision).isLessThan(secondRevision);
  }

  private void assertBytes(String key, byte[] expected) {
    Answer raw = get("/v1/kv/" + key + "?raw");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.bytes()).as("raw %s", key).isEqualTo(expected);
    assertThat(get("/v1/kv/" + key).value()).as("Value of %s", key).isEqualTo(expected);
  }

  private static byte[] decode(JsonNode value) {
    return Base64.getDecoder().decode(value.asText());
  }
}
