package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.ValueLimits;
import io.fleetconf.format.Json;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 item 3: a value may nest at most {@link ValueLimits#MAX_DEPTH} levels, and no read path
 * answers 5xx for any value the server accepted, nor for a deeper one an older server stored.
 */
class ReadPathsTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  static String nested(int depth) {
    return "{\"a\":".repeat(depth - 1) + "[1]" + "}".repeat(depth - 1);
  }

  @Test
  void valueAtTheDepthLimitIsAcceptedAndReadsBackOnEveryPath() {
    device();
    long before = server.revision();
    String deepest = nested(ValueLimits.MAX_DEPTH);
    TestServer.Reply put = server.put("/api/v1/entries/global/app/deep", deepest);
    assertThat(put.status()).as(put.body()).isEqualTo(200);

    assertEveryReadPathAnswers(before);
    assertThat(exact("/api/v1/entries/global/app/deep", "/value")).isEqualTo(deepest);
    assertThat(exact("/api/v1/history?limit=1", "/changeSets/0/changes/0/after")).isEqualTo(deepest);
    assertThat(exact("/api/v1/changes?since=" + before, "/changeSets/0/changes/0/after")).isEqualTo(deepest);
    assertThat(exact("/api/v1/diff?from=" + before, "/differences/0/to")).isEqualTo(deepest);
    assertThat(exact("/api/v1/devices/d1/config/app", "/config/deep")).isEqualTo(deepest);
    String path = ".a".repeat(ValueLimits.MAX_DEPTH - 1);
    assertThat(server.get("/api/v1/devices/d1/config/app?format=properties").body())
        .isEqualTo("deep" + path + "[0]=1\n");
    assertThat(server.get("/api/v1/devices/d1/config/app?format=env").body())
        .isEqualTo("DEEP" + path.replace(".a", "_A") + "_0=1\n");
    assertThat(ConsulTestSupport.call(server, "GET", "/v1/kv/fleet/global/app/deep?raw", null,
        "X-Consul-Token", server.token()).text()).isEqualTo(deepest);
  }

  @Test
  void valueOverTheDepthLimitIsRefusedWith400AndNothingIsWritten() {
    long before = server.revision();
    TestServer.Reply put = server.put("/api/v1/entries/global/app/deep", nested(ValueLimits.MAX_DEPTH + 1));
    TestServer.Reply batch = server.post("/api/v1/changes", "{\"operations\":[{\"op\":\"put\",\"key\":\"global/app/deep\","
        + "\"value\":" + nested(ValueLimits.MAX_DEPTH + 1) + "}]}");

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("message").asText()).isEqualTo("the value of 'global/app/deep' is nested 101 levels deep; "
        + "a value may nest objects and arrays at most 100 levels deep");
    assertThat(batch.status()).as(batch.body()).isEqualTo(400);
    assertThat(batch.json().get("message").asText()).endsWith("a value may nest objects and arrays at most 100 levels deep");
    assertThat(server.revision()).isEqualTo(before);
  }

  @Test
  void deepValueThatBrokeHistoryForEveryoneIsRefusedAndHistoryStillAnswers() {
    long before = server.revision();
    TestServer.Reply put = server.put("/api/v1/entries/global/app/deep", nested(996));

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("message").asText()).isEqualTo("the JSON document is nested deeper than 108 levels; "
        + "a value may nest objects and arrays at most 100 levels deep");
    assertThat(server.revision()).isEqualTo(before);
    assertThat(server.get("/api/v1/history?limit=1").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/changes?since=0").status()).isEqualTo(200);
  }

  @Test
  void deepJsonWrittenThroughConsulIsKeptAsText() {
    for (int depth : new int[] {ValueLimits.MAX_DEPTH + 1, 3000}) {
      String deep = nested(depth);
      assertThat(ConsulTestSupport.call(server, "PUT", "/v1/kv/fleet/global/app/deep", deep.getBytes(UTF_8),
          "X-Consul-Token", server.token()).text()).isEqualTo("true");

      assertThat(server.get("/api/v1/entries/global/app/deep").json().get("value").asText()).isEqualTo(deep);
    }
  }

  @Test
  void valueAnOlderServerStoredDeeperThanTheLimitStillReadsOnEveryPath() throws Exception {
    device();
    long before = server.revision();
    assertThat(server.put("/api/v1/entries/global/app/deep", "\"placeholder\"").status()).isEqualTo(200);
    server.stop();
    String deep = nested(1000); // the deepest an older server stored (Jackson read up to 1000 levels)
    rewriteStoredValue(server.dataDir().resolve("fleetconf.db"), "\"placeholder\"", deep);
    server.startAgainOnSamePort();

    assertEveryReadPathAnswers(before);
    assertThat(exact("/api/v1/entries/global/app/deep", "/value")).isEqualTo(deep);
    assertThat(exact("/api/v1/history?limit=1", "/changeSets/0/changes/0/after")).isEqualTo(deep);
  }

  @Test
  void noReadPathAnswers5xxForAnyValueTheServerAccepted() {
    device();
    long before = server.revision();
    List<String> values = List.of(nested(ValueLimits.MAX_DEPTH), "[".repeat(100) + "]".repeat(100),
        "\"" + "x".repeat(512 * 1024 - 2) + "\"", "1.10", "1e3", "-0", "1E+400", "9007199254740993",
        "123456789012345678901234567890", "\"true\"", "\"\"", "null", "{}", "[]",
        "\"São João ✓ 日本語 😀 \\u0000 \\u202e\"", "{\"\":1,\"a.b\":{\"c\":[null,{}]},\"A_B\":2}");
    for (int i = 0; i < values.size(); i++) {
      TestServer.Reply put = server.put("/api/v1/entries/global/app/v" + i, values.get(i));
      assertThat(put.status()).as("PUT %s: %s", i, put.body()).isEqualTo(200);
    }
    byte[] binary = {0, (byte) 0xFF, (byte) 0xFE, 0x1F, (byte) 0x8B};
    assertThat(ConsulTestSupport.call(server, "PUT", "/v1/kv/fleet/global/app/binary", binary,
        "X-Consul-Token", server.token()).text()).isEqualTo("true");

    // .env cannot hold a NUL: refused as a bad document (400), never written wrong nor a server error.
    assertEveryReadPathAnswers(before, java.util.Optional.of("key '(app/)?v14' cannot be written as (APP_)?V14 in"
        + " \\.env: its value holds a NUL character, which no shell variable can hold"));
  }

  // ---------------------------------------------------------------- helpers

  private void device() {
    TestServer.Reply reply = server.post("/api/v1/devices", "{\"id\":\"d1\",\"groups\":[]}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  private String exact(String path, String pointer) {
    TestServer.Reply reply = server.get(path);
    assertThat(reply.status()).as("GET %s: %s", path, reply.body()).isEqualTo(200);
    return Json.write(Json.read(reply.body()).at(pointer));
  }

  /** Every read of entries, history, diffs, configs and the Consul view answers without a server error. */
  private void assertEveryReadPathAnswers(long before) {
    assertEveryReadPathAnswers(before, java.util.Optional.empty());
  }

  /** As above; {@code envRefusal}: the pattern of the message a {@code .env} rendering is refused with (400), if one is. */
  private void assertEveryReadPathAnswers(long before, java.util.Optional<String> envRefusal) {
    long now = server.revision();
    List<String> paths = new ArrayList<>(List.of("/api/v1/entries/global/app?recurse=true",
        "/api/v1/entries?recurse=true", "/api/v1/history?limit=1", "/api/v1/history?limit=100",
        "/api/v1/history?prefix=global/app", "/api/v1/changes?since=" + before, "/api/v1/changes/" + now,
        "/api/v1/diff?from=" + before, "/api/v1/diff?from=" + before + "&device=d1",
        "/api/v1/diff?from=" + before + "&device=d1&namespace=app", "/api/v1/devices/d1/config",
        "/api/v1/devices/d1/config?explain=true", "/api/v1/devices/d1/config/app?explain=true"));
    for (String format : List.of("json", "yaml", "env", "properties")) {
      paths.add("/api/v1/devices/d1/config?format=" + format);
      paths.add("/api/v1/devices/d1/config/app?format=" + format);
    }
    paths.forEach(path -> {
      TestServer.Reply reply = server.get(path);
      if (path.endsWith("format=env") && envRefusal.isPresent()) {
        assertThat(reply.status()).as("GET %s: %s", path, abbreviated(reply.body())).isEqualTo(400);
        assertThat(reply.json().get("message").asText()).matches(envRefusal.get());
      } else {
        assertThat(reply.status()).as("GET %s: %s", path, abbreviated(reply.body())).isEqualTo(200);
      }
    });
    for (String path : List.of("/v1/kv/fleet/global/app/?recurse", "/v1/kv/fleet/?keys", "/v1/kv/fleet/global/app/v0",
        "/v1/kv/fleet/global/app/v0?raw", "/v1/kv/fleet/global/app/deep", "/v1/kv/fleet/global/app/deep?raw")) {
      ConsulTestSupport.Answer answer = ConsulTestSupport.call(server, "GET", path, null, "X-Consul-Token", server.token());
      assertThat(answer.status()).as("GET %s: %s", path, abbreviated(answer.text())).isIn(200, 404);
    }
    ConsulTestSupport.Answer txn = ConsulTestSupport.call(server, "PUT", "/v1/txn",
        "[{\"KV\":{\"Verb\":\"get-tree\",\"Key\":\"fleet/global/app/\"}}]".getBytes(UTF_8), "X-Consul-Token", server.token());
    assertThat(txn.status()).as(abbreviated(txn.text())).isEqualTo(200);
  }

  private static String abbreviated(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  /** Puts {@code replacement} where a stored value was {@code placeholder}, as an older server could have. */
  private static void rewriteStoredValue(Path database, String placeholder, String replacement) throws Exception {
    assertThat(Files.exists(database)).isTrue();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        PreparedStatement entries = connection.prepareStatement("UPDATE entries SET value = ? WHERE value = ?");
        PreparedStatement changes = connection.prepareStatement(
            "UPDATE changes SET after = replace(after, ?, ?) WHERE kind = 'entry'")) {
      entries.setString(1, replacement);
      entries.setString(2, placeholder);
      assertThat(entries.executeUpdate()).isEqualTo(1);
      changes.setString(1, "\"value\":" + placeholder);
      changes.setString(2, "\"value\":" + replacement);
      assertThat(changes.executeUpdate()).isGreaterThanOrEqualTo(1);
    }
  }
}
