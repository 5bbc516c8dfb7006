package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.format.Json;
import io.fleetconf.testing.TestServer;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 2: a value keeps its exact text through every read path and format. Bodies are
 * read with {@link Json}, which keeps a number's text, so that {@code 1.1} in an answer is not
 * mistaken for {@code 1.10}.
 */
class ValueTextTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  /** The JSON body written, and how YAML, .env, .properties and Consul's raw read show it. */
  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("1.10", "1.10", "1.10", "1.10", "1.10"),
        Arguments.of("1e3", "1e3", "1e3", "1e3", "1e3"),
        Arguments.of("\"010\"", "\"010\"", "010", "010", "010"),
        Arguments.of("9007199254740993", "9007199254740993", "9007199254740993", "9007199254740993",
            "9007199254740993"),
        Arguments.of("123456789012345678901234567890", "123456789012345678901234567890",
            "123456789012345678901234567890", "123456789012345678901234567890", "123456789012345678901234567890"),
        Arguments.of("\"true\"", "\"true\"", "true", "true", "true"),
        Arguments.of("true", "true", "true", "true", "true"),
        Arguments.of("\"\"", "\"\"", "''", "", ""),
        Arguments.of("\"São João ✓ 日本語\"", "São João ✓ 日本語", "'São João ✓ 日本語'",
            "S\\u00E3o Jo\\u00E3o \\u2713 \\u65E5\\u672C\\u8A9E", "São João ✓ 日本語"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("values")
  void valueKeepsItsExactTextInEveryReadPathAndFormat(
      String json, String yaml, String env, String properties, String consulRaw) {
    device("d1");
    long before = exact(server.get("/api/v1/history?limit=1")).get("revision").asLong();
    TestServer.Reply put = server.put("/api/v1/entries/global/app/v", json);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    long revision = exact(put).get("revision").asLong();

    assertThat(text(exact(server.get("/api/v1/entries/global/app/v")).get("value"))).isEqualTo(json);
    assertThat(text(exact(server.get("/api/v1/devices/d1/config/app")).at("/config/v"))).isEqualTo(json);
    assertThat(server.get("/api/v1/devices/d1/config/app?format=yaml").body()).isEqualTo("v: " + yaml + "\n");
    assertThat(server.get("/api/v1/devices/d1/config/app?format=env").body()).isEqualTo("V=" + env + "\n");
    assertThat(server.get("/api/v1/devices/d1/config/app?format=properties").body())
        .isEqualTo("v=" + properties + "\n");
    assertThat(text(exact(server.get("/api/v1/history?limit=1")).at("/changeSets/0/changes/0/after"))).isEqualTo(json);
    assertThat(text(exact(server.get("/api/v1/changes?since=" + before)).at("/changeSets/0/changes/0/after")))
        .isEqualTo(json);
    assertThat(text(exact(server.get("/api/v1/changes/" + revision)).at("/changes/0/after"))).isEqualTo(json);
    String diff = "/api/v1/diff?from=" + before + "&to=" + revision;
    assertThat(text(exact(server.get(diff)).at("/differences/0/to"))).isEqualTo(json);
    assertThat(text(exact(server.get(diff + "&device=d1")).at("/differences/0/to"))).isEqualTo(json);

    assertThat(consulRaw("fleet/global/app/v")).isEqualTo(consulRaw.getBytes(UTF_8));
    assertThat(consulValue("fleet/global/app/v")).isEqualTo(consulRaw.getBytes(UTF_8));
  }

  @Test
  void numbersWithDifferentTextAreDifferentValues() {
    long first = exact(server.put("/api/v1/entries/global/app/fw", "1.1")).get("revision").asLong();
    TestServer.Reply second = server.put("/api/v1/entries/global/app/fw", "1.10");

    assertThat(exact(second).get("revision").asLong()).isEqualTo(first + 1);
    JsonNode change = exact(server.get("/api/v1/history?limit=1")).at("/changeSets/0/changes/0");
    assertThat(text(change.get("before"))).isEqualTo("1.1");
    assertThat(text(change.get("after"))).isEqualTo("1.10");
  }

  @Test
  void yamlBodyKeepsNumberTextAndKeepsNumbersJsonCannotWriteAsTheirText() {
    TestServer.Reply put = server.send("PUT", "/api/v1/entries/global/app/settings",
        "fw: 1.10\nn: 1e3\nmode: 0644\nhex: 0x1F\nquoted: '1.10'\nbig: 9007199254740993\n", "application/yaml");
    assertThat(put.status()).as(put.body()).isEqualTo(200);

    assertThat(text(exact(server.get("/api/v1/entries/global/app/settings")).get("value"))).isEqualTo(
        "{\"fw\":1.10,\"n\":1e3,\"mode\":\"0644\",\"hex\":\"0x1F\",\"quoted\":\"1.10\",\"big\":9007199254740993}");
  }

  @Test
  void plainTextBodyIsAStringWithExactlyThatText() {
    server.send("PUT", "/api/v1/entries/global/app/fw", "1.10", "text/plain");

    assertThat(text(exact(server.get("/api/v1/entries/global/app/fw")).get("value"))).isEqualTo("\"1.10\"");
  }

  // ---------------------------------------------------------------- helpers

  private void device(String id) {
    TestServer.Reply reply = server.post("/api/v1/devices", "{\"id\":\"" + id + "\",\"groups\":[]}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  static JsonNode exact(TestServer.Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return Json.read(reply.body());
  }

  static String text(JsonNode value) {
    assertThat(value.isMissingNode()).as("a value where one was expected").isFalse();
    return Json.write(value);
  }

  private byte[] consulRaw(String key) {
    return ConsulTestSupport.call(server, "GET", "/v1/kv/" + key + "?raw", null, "X-Consul-Token", server.token())
        .bytes();
  }

  private byte[] consulValue(String key) {
    JsonNode entry = ConsulTestSupport.call(server, "GET", "/v1/kv/" + key, null, "X-Consul-Token", server.token())
        .json().get(0);
    // Consul reads an empty value as null.
    return entry.get("Value").isNull() ? new byte[0] : Base64.getDecoder().decode(entry.get("Value").asText());
  }
}
