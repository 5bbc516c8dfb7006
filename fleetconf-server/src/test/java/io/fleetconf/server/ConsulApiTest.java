package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Consul-compatible API over raw HTTP: exact statuses, headers and bodies as Consul clients
 * see them, and how it shares one key space, one history and one set of tokens with the native API.
 */
class ConsulApiTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String PORT_KEY = "fleet/global/tv_api/port";

  // ---------------------------------------------------------------- raw HTTP

  /** An answer as the wire has it: status, headers and the exact body bytes. */
  record Answer(int status, HttpHeaders headers, byte[] bytes) {
    String text() {
      return new String(bytes, UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    long index() {
      return Long.parseLong(header("X-Consul-Index"));
    }

    /** The single entry of a one-key read, as Consul returns it (a list of one). */
    JsonNode entry() {
      assertThat(json().size()).isEqualTo(1);
      return json().get(0);
    }

    /** The decoded Value of a one-key read ({@code null} for Consul's null). */
    byte[] value() {
      JsonNode value = entry().get("Value");
      return value.isNull() ? null : Base64.getDecoder().decode(value.asText());
    }
  }

  private static HttpRequest request(TestServer on, String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.uri() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  /** Sends exactly what it is given: no credentials unless {@code headers} hold them. */
  private static Answer call(TestServer on, String method, String path, byte[] body, String... headers) {
    try {
      HttpResponse<byte[]> response = HTTP.send(request(on, method, path, body, headers),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Answer call(String method, String path, byte[] body, String... headers) {
    return call(server, method, path, body, headers);
  }

  /** As an admin, with the token in Consul's header. */
  private Answer consul(String method, String path, byte[] body) {
    return call(method, path, body, "X-Consul-Token", server.token());
  }

  private Answer get(String path) {
    return consul("GET", path, null);
  }

  private Answer put(String path, String body) {
    return consul("PUT", path, body.getBytes(UTF_8));
  }

  private Answer delete(String path) {
    return consul("DELETE", path, null);
  }

  private Answer txn(String body) {
    return put("/v1/txn", body);
  }

  /** A blocking query started now; the answer comes when the server gives it. */
  private CompletableFuture<Answer> getAsync(String path) {
    return HTTP.sendAsync(request(server, "GET", path, null, "X-Consul-Token", server.token()),
            HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Answer(response.statusCode(), response.headers(), response.body()));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  /** The native entry behind a key, e.g. {@code global/tv_api/port} or {@code plain/config/app1/data}. */
  private JsonNode nativeEntry(String key) {
    TestServer.Reply reply = server.get("/api/v1/entries/" + key);
    assertThat(reply.status()).as("native GET %s: %s", key, reply.body()).isEqualTo(200);
    return reply.json();
  }

  private String token(String body) {
    TestServer.Reply reply = server.post("/api/v1/tokens", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("token").asText();
  }

  private void device(String id, String group) {
    assertThat(server.post("/api/v1/devices", "{\"id\":\"" + id + "\",\"groups\":[\"" + group + "\"]}").status())
        .isEqualTo(201);
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void assertTrueAnswer(Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.text()).isEqualTo("true");
  }

  private static void assertFalseAnswer(Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.text()).isEqualTo("false");
  }

  // ---------------------------------------------------------------- values

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("8080", "8080"),
        Arguments.of("08080", "\"08080\""),
        Arguments.of("1.50", "\"1.50\""),
        Arguments.of("1.5", "1.5"),
        Arguments.of("-12", "-12"),
        Arguments.of("true", "true"),
        Arguments.of("false", "false"),
        Arguments.of("null", "\"null\""),
        Arguments.of("\"quoted\"", "\"\\\"quoted\\\"\""),
        Arguments.of("{\"a\":1}", "{\"a\":1}"),
        Arguments.of("[1,\"x\"]", "[1,\"x\"]"),
        Arguments.of("{ \"a\": 1 }", "\"{ \\\"a\\\": 1 }\""),
        Arguments.of("8080\n", "\"8080\\n\""),
        Arguments.of("timezone: Europe/Lisbon\nrules:\n  - name: news\n    channel: 1\n",
            "\"timezone: Europe/Lisbon\\nrules:\\n  - name: news\\n    channel: 1\\n\""),
        Arguments.of("São João — ação ✓ 日本語", "\"São João — ação ✓ 日本語\""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("values")
  void valuesRoundTripByteForByteAndMapToJson(String written, String nativeValue) {
    byte[] bytes = written.getBytes(UTF_8);
    assertTrueAnswer(consul("PUT", "/v1/kv/" + PORT_KEY, bytes));

    assertThat(nativeEntry("global/tv_api/port").get("value").toString()).isEqualTo(nativeValue);
    assertThat(get("/v1/kv/" + PORT_KEY).value()).isEqualTo(bytes);
    Answer raw = get("/v1/kv/" + PORT_KEY + "?raw");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.bytes()).isEqualTo(bytes);
  }

  @Test
  void numberWrittenThroughConsulIsANumberInTheNativeEntry() {
    assertTrueAnswer(put("/v1/kv/" + PORT_KEY, "8080"));
    JsonNode value = nativeEntry("global/tv_api/port").get("value");
    assertThat(value.isInt()).isTrue();
    assertThat(value.intValue()).isEqualTo(8080);
  }

  @Test
  void compactObjectIsAnObjectAndSpacedObjectIsAString() {
    put("/v1/kv/fleet/global/tv_api/limits", "{\"a\":1}");
    put("/v1/kv/fleet/global/tv_api/banner", "{ \"a\": 1 }");
    assertThat(nativeEntry("global/tv_api/limits").get("value").isObject()).isTrue();
    assertThat(nativeEntry("global/tv_api/banner").get("value").isTextual()).isTrue();
  }

  @Test
  void emptyValueReadsAsNullAndAsAnEmptyRawBody() {
    assertTrueAnswer(consul("PUT", "/v1/kv/config/app1/empty", new byte[0]));
    assertThat(get("/v1/kv/config/app1/empty").json().toString()).isEqualTo(
        "[{\"LockIndex\":0,\"Key\":\"config/app1/empty\",\"Flags\":0,\"Value\":null,\"CreateIndex\":1,\"ModifyIndex\":1}]");
    Answer raw = get("/v1/kv/config/app1/empty?raw");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.bytes()).isEmpty();
    assertThat(nativeEntry("plain/config/app1/empty").get("value").toString()).isEqualTo("\"\"");
  }

  @Test
  void rawAnswersTheBytesAsPlainText() {
    put("/v1/kv/config/app1/data", "retention: 14d\n");
    Answer raw = get("/v1/kv/config/app1/data?raw");
    assertThat(raw.text()).isEqualTo("retention: 14d\n");
    assertThat(raw.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(raw.header("X-Consul-Index")).isEqualTo("1");
  }

  @Test
  void nonUtf8ValueIsRefusedAndNothingIsStored() {
    put("/v1/kv/config/app1/other", "x");
    long before = server.revision();
    Answer refused = consul("PUT", "/v1/kv/config/app1/binary", new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe});
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText()).isEqualTo("invalid_value");
    assertThat(refused.json().get("message").asText()).contains("not UTF-8");
    assertThat(server.revision()).isEqualTo(before);
    assertThat(get("/v1/kv/config/app1/binary").status()).isEqualTo(404);
  }

  @Test
  void valueLargerThanConsulsLimitIsRefused() {
    Answer refused = consul("PUT", "/v1/kv/config/app1/big", new byte[512 * 1024 + 1]);
    assertThat(refused.status()).isEqualTo(413);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- entry shape and flags

  @Test
  void entryHasConsulsShapeAndHeaders() {
    put("/v1/kv/config/app1/data", "hello");
    put("/v1/kv/config/app1/data", "hello again");
    Answer answer = get("/v1/kv/config/app1/data");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().toString()).isEqualTo("[{\"LockIndex\":0,\"Key\":\"config/app1/data\",\"Flags\":0,"
        + "\"Value\":\"" + b64("hello again") + "\",\"CreateIndex\":1,\"ModifyIndex\":2}]");
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
    assertThat(answer.header("X-Consul-Index")).isEqualTo("2");
    assertThat(answer.header("X-Consul-KnownLeader")).isEqualTo("true");
    assertThat(answer.header("X-Consul-LastContact")).isEqualTo("0");
  }

  @Test
  void putAnswersTrueWithoutAnIndex() {
    Answer answer = put("/v1/kv/config/app1/data", "hello");
    assertTrueAnswer(answer);
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
    assertThat(answer.header("X-Consul-Index")).isNull();
  }

  @Test
  void writingTheSameValueAgainStillMovesTheModifyIndex() {
    put("/v1/kv/config/app1/data", "same");
    put("/v1/kv/config/app1/data", "same");
    assertThat(get("/v1/kv/config/app1/data").entry().get("ModifyIndex").asLong()).isEqualTo(2);
  }

  @Test
  void flagsRoundTripIncludingTheFullUnsigned64BitRange() {
    put("/v1/kv/config/app1/data?flags=42", "x");
    assertThat(get("/v1/kv/config/app1/data").entry().get("Flags").toString()).isEqualTo("42");
    put("/v1/kv/config/app1/data?flags=18446744073709551615", "x");
    assertThat(get("/v1/kv/config/app1/data").entry().get("Flags").toString()).isEqualTo("18446744073709551615");
    put("/v1/kv/config/app1/data?flags=9223372036854775808", "x");
    assertThat(get("/v1/kv/config/app1/data").entry().get("Flags").toString()).isEqualTo("9223372036854775808");
  }

  @Test
  void putWithoutFlagsResetsThemToZero() {
    put("/v1/kv/config/app1/data?flags=7", "x");
    put("/v1/kv/config/app1/data", "y");
    assertThat(get("/v1/kv/config/app1/data").entry().get("Flags").toString()).isEqualTo("0");
  }

  @Test
  void badFlagsAreRefused() {
    assertThat(put("/v1/kv/config/app1/data?flags=-1", "x").status()).isEqualTo(400);
    assertThat(put("/v1/kv/config/app1/data?flags=18446744073709551616", "x").status()).isEqualTo(400);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- listing

  private void appKeys() {
    put("/v1/kv/config/b", "b");
    put("/v1/kv/config/app2/z", "z");
    put("/v1/kv/config/apple", "apple");
    put("/v1/kv/config/app1/y/deep", "deep");
    put("/v1/kv/config/app1/x", "x");
    put("/v1/kv/other/k", "k");
  }

  @Test
  void recurseIsAStringPrefixInKeyOrder() {
    appKeys();
    Answer answer = get("/v1/kv/config/ap?recurse");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().findValuesAsText("Key"))
        .containsExactly("config/app1/x", "config/app1/y/deep", "config/app2/z", "config/apple");
    assertThat(answer.json().get(0).get("Value").asText()).isEqualTo(b64("x"));
  }

  @Test
  void indexOfAListIsTheLastRevisionThatChangedItsKeys() {
    appKeys(); // config/app1/x is the last write under config/ap, at revision 5; other/k is revision 6
    assertThat(get("/v1/kv/config/ap?recurse").index()).isEqualTo(5);
    assertThat(get("/v1/kv/config/b").index()).isEqualTo(1);
    assertThat(get("/v1/kv/?recurse").index()).isEqualTo(6);
  }

  @Test
  void keysListsEveryKeyUnderThePrefix() {
    appKeys();
    Answer answer = get("/v1/kv/config/?keys");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().toString()).isEqualTo(
        "[\"config/app1/x\",\"config/app1/y/deep\",\"config/app2/z\",\"config/apple\",\"config/b\"]");
    assertThat(answer.index()).isEqualTo(5);
  }

  @Test
  void keysWithASeparatorRollUpWhatLiesBelowTheNextSeparator() {
    appKeys();
    assertThat(get("/v1/kv/config/?keys&separator=/").json().toString())
        .isEqualTo("[\"config/app1/\",\"config/app2/\",\"config/apple\",\"config/b\"]");
    assertThat(get("/v1/kv/?keys&separator=/").json().toString()).isEqualTo("[\"config/\",\"other/\"]");
    assertThat(get("/v1/kv/config/app1/?keys&separator=/").json().toString())
        .isEqualTo("[\"config/app1/x\",\"config/app1/y/\"]");
  }

  @Test
  void missingKeyIs404WithAnIndex() {
    Answer never = get("/v1/kv/config/nothing");
    assertThat(never.status()).isEqualTo(404);
    assertThat(never.bytes()).isEmpty();
    assertThat(never.header("X-Consul-Index")).isEqualTo("1");

    put("/v1/kv/config/gone", "x");
    put("/v1/kv/config/other", "x");
    delete("/v1/kv/config/gone");
    Answer deleted = get("/v1/kv/config/gone");
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.header("X-Consul-Index")).isEqualTo("3");
    assertThat(deleted.header("X-Consul-KnownLeader")).isEqualTo("true");
  }

  @Test
  void emptyPrefixIs404WithAnIndex() {
    put("/v1/kv/config/a", "x");
    Answer answer = get("/v1/kv/nothing/?recurse");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.header("X-Consul-Index")).isNotNull();
    assertThat(get("/v1/kv/nothing/?keys").status()).isEqualTo(404);
  }

  @Test
  void recurseFromTheTopListsPlainAndLayeredKeysTogether() {
    put("/v1/kv/zz/last", "z");
    put("/v1/kv/fleet/groups/site/lisbon/common/ntp", "pool.ntp.org");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    put("/v1/kv/config/app1/data", "d");
    assertThat(get("/v1/kv/?recurse").json().findValuesAsText("Key")).containsExactly(
        "config/app1/data", "fleet/global/tv_api/port", "fleet/groups/site/lisbon/common/ntp", "zz/last");
  }

  @Test
  void folderKeysAndBadKeysAreRefused() {
    Answer folder = put("/v1/kv/config/app1/", "");
    assertThat(folder.status()).isEqualTo(400);
    assertThat(folder.json().get("message").asText()).contains("no folder keys");
    assertThat(put("/v1/kv/config/a%20b", "x").status()).isEqualTo(400);
    assertThat(get("/v1/kv/").status()).isEqualTo(400);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- compare-and-set and delete

  @Test
  void casZeroCreatesOnlyAKeyThatDoesNotExist() {
    assertTrueAnswer(put("/v1/kv/config/app1/data?cas=0", "first"));
    assertFalseAnswer(put("/v1/kv/config/app1/data?cas=0", "second"));
    assertThat(text(get("/v1/kv/config/app1/data?raw").bytes())).isEqualTo("first");
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void staleCasFailsAndLeavesTheValueRightCasSucceeds() {
    put("/v1/kv/config/app1/data", "v1");
    put("/v1/kv/config/app1/data", "v2");
    assertFalseAnswer(put("/v1/kv/config/app1/data?cas=1", "v3"));
    assertThat(get("/v1/kv/config/app1/data?raw").text()).isEqualTo("v2");
    assertThat(server.revision()).isEqualTo(2);
    assertTrueAnswer(put("/v1/kv/config/app1/data?cas=2", "v3"));
    assertThat(get("/v1/kv/config/app1/data").entry().get("ModifyIndex").asLong()).isEqualTo(3);
    assertThat(get("/v1/kv/config/app1/data?raw").text()).isEqualTo("v3");
  }

  @Test
  void casOnAMissingKeyWithAnIndexFails() {
    assertFalseAnswer(put("/v1/kv/config/app1/data?cas=5", "x"));
    assertThat(get("/v1/kv/config/app1/data").status()).isEqualTo(404);
  }

  @Test
  void deletingAMissingKeySucceedsAndRecordsNothing() {
    put("/v1/kv/config/a", "x");
    assertTrueAnswer(delete("/v1/kv/config/nothing"));
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void deleteWithAStaleCasFailsWithTheRightOneSucceeds() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/config/a", "y");
    assertFalseAnswer(delete("/v1/kv/config/a?cas=1"));
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("y");
    assertTrueAnswer(delete("/v1/kv/config/a?cas=2"));
    assertThat(get("/v1/kv/config/a").status()).isEqualTo(404);
  }

  @Test
  void recursiveDeleteOnAStringPrefixIsOneChangeSet() {
    appKeys();
    long before = server.revision();
    assertTrueAnswer(delete("/v1/kv/config/ap?recurse"));
    assertThat(server.revision()).isEqualTo(before + 1);
    assertThat(get("/v1/kv/?keys").json().toString()).isEqualTo("[\"config/b\",\"other/k\"]");

    JsonNode changeSet = server.get("/api/v1/history?limit=1").json().get("changeSets").get(0);
    assertThat(changeSet.get("revision").asLong()).isEqualTo(before + 1);
    assertThat(changeSet.get("source").asText()).isEqualTo("consul");
    List<String> deleted = new ArrayList<>();
    changeSet.get("changes").forEach(change -> {
      assertThat(change.get("action").asText()).isEqualTo("delete");
      deleted.add(change.get("key").asText());
    });
    assertThat(deleted).containsExactly(
        "plain/config/app1/x", "plain/config/app1/y/deep", "plain/config/app2/z", "plain/config/apple");
  }

  @Test
  void recursiveDeleteOfNothingSucceedsAndRecordsNothing() {
    put("/v1/kv/config/a", "x");
    assertTrueAnswer(delete("/v1/kv/nothing/?recurse"));
    assertThat(server.revision()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- blocking queries

  @Test
  void indexZeroAnswersAtOnce() {
    put("/v1/kv/config/a", "x");
    long start = System.nanoTime();
    Answer answer = get("/v1/kv/config/a?index=0&wait=30s");
    assertThat(millisSince(start)).isLessThan(5_000);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(1);
  }

  @Test
  void blockingQueryWithTheCurrentIndexTimesOutWithTheSameIndex() {
    put("/v1/kv/config/a", "x");
    long start = System.nanoTime();
    Answer answer = get("/v1/kv/config/a?index=1&wait=1s");
    assertThat(millisSince(start)).isBetween(950L, 5_000L);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(1);
    assertThat(answer.value()).isEqualTo("x".getBytes(UTF_8));
  }

  @Test
  void blockingQueryReturnsAfterAWriteWithTheNewIndexAndValue() throws Exception {
    put("/v1/kv/config/a", "x");
    CompletableFuture<Answer> held = getAsync("/v1/kv/config/a?index=1&wait=60s");
    Thread.sleep(300);
    assertThat(held).isNotDone();
    Thread writer = Thread.ofVirtual().start(() -> put("/v1/kv/config/a", "y"));
    Answer answer = held.get(10, TimeUnit.SECONDS);
    writer.join();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(2);
    assertThat(answer.value()).isEqualTo("y".getBytes(UTF_8));
  }

  @Test
  void blockingQueryOnAMissingKeyReturnsWhenItIsCreated() throws Exception {
    put("/v1/kv/config/other", "x");
    Answer missing = get("/v1/kv/config/new");
    CompletableFuture<Answer> held = getAsync("/v1/kv/config/new?index=" + missing.index() + "&wait=60s");
    Thread.sleep(200);
    assertThat(held).isNotDone();
    put("/v1/kv/config/new", "here");
    Answer answer = held.get(10, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(2);
  }

  @Test
  void indexAheadOfTheServerAnswersAtOnce() {
    put("/v1/kv/config/a", "x");
    long start = System.nanoTime();
    Answer answer = get("/v1/kv/config/a?index=999&wait=30s");
    assertThat(millisSince(start)).isLessThan(5_000);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(1);
  }

  @Test
  void writeToAnUnrelatedKeyDoesNotWakeAPrefixQuery() throws Exception {
    put("/v1/kv/config/app1/a", "x");
    long index = get("/v1/kv/config/app1/?recurse").index();
    long start = System.nanoTime();
    CompletableFuture<Answer> held = getAsync("/v1/kv/config/app1/?recurse&index=" + index + "&wait=1500ms");
    put("/v1/kv/config/app2/a", "unrelated");
    put("/v1/kv/config/app1", "not below config/app1/");
    Answer answer = held.get(10, TimeUnit.SECONDS);
    assertThat(millisSince(start)).isGreaterThanOrEqualTo(1_400L);
    assertThat(answer.index()).isEqualTo(index);
    assertThat(answer.json().findValuesAsText("Key")).containsExactly("config/app1/a");
  }

  @Test
  void deleteWakesABlockingQueryWhichThenAnswers404() throws Exception {
    put("/v1/kv/config/a", "x");
    CompletableFuture<Answer> held = getAsync("/v1/kv/config/a?index=1&wait=60s");
    Thread.sleep(200);
    delete("/v1/kv/config/a");
    Answer answer = held.get(10, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.index()).isEqualTo(2);
  }

  @Test
  void badWaitIsRefused() {
    put("/v1/kv/config/a", "x");
    assertThat(get("/v1/kv/config/a?index=1&wait=forever").status()).isEqualTo(400);
  }

  // ---------------------------------------------------------------- one key space

  @Test
  void consulWriteToALayeredKeyWakesADevicesConfigWatch() throws Exception {
    device("cam-1", "site/lisbon");
    server.put("/api/v1/entries/global/tv_api/port", "8000");
    long index = server.revision();
    CompletableFuture<TestServer.Reply> watch = server.getAsync("/api/v1/devices/cam-1/config?index=" + index
        + "&wait=60s");
    assertTrueAnswer(put("/v1/kv/" + PORT_KEY, "8081"));
    TestServer.Reply reply = watch.get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("revision").asLong()).isEqualTo(index + 1);
    assertThat(reply.json().get("config").toString()).isEqualTo("{\"tv_api\":{\"port\":8081}}");
    assertThat(nativeEntry("global/tv_api/port").get("value").toString()).isEqualTo("8081");
  }

  @Test
  void nativeWriteIsVisibleUnderTheRoot() {
    server.put("/api/v1/entries/global/x/y", "\"hello\"");
    server.put("/api/v1/entries/groups/site/lisbon/x/y", "{\"a\":[1,2]}");
    assertThat(get("/v1/kv/fleet/global/x/y?raw").text()).isEqualTo("hello");
    assertThat(get("/v1/kv/fleet/groups/site/lisbon/x/y?raw").text()).isEqualTo("{\"a\":[1,2]}");
    assertThat(get("/v1/kv/fleet/global/x/y").entry().get("Key").asText()).isEqualTo("fleet/global/x/y");
  }

  @Test
  void deviceScopeKeysAreTheDevicesOverrides() {
    device("cam-1", "site/lisbon");
    assertTrueAnswer(put("/v1/kv/fleet/devices/cam-1/dvr/ip", "10.0.0.7"));
    assertTrueAnswer(put("/v1/kv/fleet/groups/site/lisbon/dvr/fps", "10"));
    assertThat(server.get("/api/v1/devices/cam-1/config").json().get("config").toString())
        .isEqualTo("{\"dvr\":{\"fps\":10,\"ip\":\"10.0.0.7\"}}");
  }

  @Test
  void plainKeysNeverReachADevicesConfig() {
    device("cam-1", "site/lisbon");
    put("/v1/kv/tv_api/port", "9999");
    put("/v1/kv/global/tv_api/port", "9999");
    put("/v1/kv/config/application/data", "port: 9999\n");
    assertThat(nativeEntry("plain/global/tv_api/port").get("value").toString()).isEqualTo("9999");
    assertThat(server.get("/api/v1/entries/global/tv_api/port").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/devices/cam-1/config").json().get("config").toString()).isEqualTo("{}");
  }

  @Test
  void configurableRootMapsItsKeysToTheLayers(@TempDir Path dir) {
    try (TestServer vv = TestServer.on(dir).withConsulRoot("vv_ai").startNow()) {
      assertThat(vv.post("/api/v1/devices", "{\"id\":\"cam-1\",\"groups\":[\"site/lisbon\"]}").status()).isEqualTo(201);
      String admin = "Bearer " + vv.token();
      Answer set = call(vv, "PUT", "/v1/kv/vv_ai/devices/cam-1/dvr/ip", "10.0.0.7".getBytes(UTF_8),
          "Authorization", admin);
      assertTrueAnswer(set);
      assertThat(vv.get("/api/v1/entries/devices/cam-1/dvr/ip").json().get("value").asText()).isEqualTo("10.0.0.7");
      assertThat(vv.get("/api/v1/devices/cam-1/config").json().get("config").toString())
          .isEqualTo("{\"dvr\":{\"ip\":\"10.0.0.7\"}}");

      // ACL rules name layered keys fleet/<scope>/..., so with another root that prefix is not a plain key either.
      Answer reserved = call(vv, "PUT", "/v1/kv/fleet/global/x", "1".getBytes(UTF_8), "Authorization", admin);
      assertThat(reserved.status()).isEqualTo(400);
      assertThat(reserved.json().get("message").asText()).isEqualTo("key 'fleet/global/x' is reserved: 'fleet/...'"
          + " names fleetconf's layered keys in ACL rules; with the Consul root 'vv_ai' they are 'vv_ai/...'");
      assertTrueAnswer(call(vv, "PUT", "/v1/kv/config/x", "1".getBytes(UTF_8), "Authorization", admin));
      assertThat(call(vv, "GET", "/v1/kv/?keys", null, "Authorization", admin).json().toString())
          .isEqualTo("[\"config/x\",\"vv_ai/devices/cam-1/dvr/ip\"]");
    }
  }

  // ---------------------------------------------------------------- history and rollback

  @Test
  void consulWritesAreChangeSetsByTheTokensIdentity() {
    String writer = token("{\"identity\":\"consul-writer\",\"rules\":[\"write config/*\"]}");
    assertTrueAnswer(call("PUT", "/v1/kv/config/app1/data", "v1".getBytes(UTF_8), "X-Consul-Token", writer));
    JsonNode changeSet = server.get("/api/v1/changes/1").json();
    assertThat(changeSet.get("author").asText()).isEqualTo("consul-writer");
    assertThat(changeSet.get("source").asText()).isEqualTo("consul");
    assertThat(changeSet.get("message").asText()).isEmpty();
    assertThat(changeSet.get("changes").toString())
        .isEqualTo("[{\"kind\":\"entry\",\"key\":\"plain/config/app1/data\",\"action\":\"create\",\"after\":\"v1\"}]");
  }

  @Test
  void messageParameterBecomesTheChangeSetsMessage() {
    put("/v1/kv/config/app1/data?message=from%20a%20script", "v1");
    assertThat(server.get("/api/v1/changes/1").json().get("message").asText()).isEqualTo("from a script");
  }

  @Test
  void rollbackIsSeenByABlockingQuery() throws Exception {
    put("/v1/kv/config/app1/data", "v1");
    put("/v1/kv/config/app1/data", "v2");
    CompletableFuture<Answer> held = getAsync("/v1/kv/config/app1/data?index=2&wait=60s");
    Thread.sleep(200);
    assertThat(held).isNotDone();
    TestServer.Reply rollback = server.post("/api/v1/rollback", "{\"revision\":2}");
    assertThat(rollback.json().toString()).isEqualTo("{\"revision\":3,\"changes\":1}");
    Answer answer = held.get(10, TimeUnit.SECONDS);
    assertThat(answer.index()).isEqualTo(3);
    assertThat(answer.value()).isEqualTo("v1".getBytes(UTF_8));
    assertThat(answer.entry().get("CreateIndex").asLong()).isEqualTo(1);
    assertThat(server.get("/api/v1/changes/3").json().get("source").asText()).isEqualTo("rollback of 2");
  }

  // ---------------------------------------------------------------- tokens

  @Test
  void tokenInConsulsHeaderInTheQueryOrAsABearerAllWork() {
    put("/v1/kv/config/a", "x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "X-Consul-Token", server.token()).text()).isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw&token=" + server.token(), null).text()).isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "Authorization", "Bearer " + server.token()).text())
        .isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null).status()).isEqualTo(403); // Consul's "ACL not found"
  }

  @Test
  void tokenInTheQueryCountsOnlyOnTheConsulApi() {
    assertThat(call("GET", "/api/v1/entries?recurse=true&token=" + server.token(), null).status()).isEqualTo(401);
  }

  @Test
  void badTokenIs403AsInConsulAndChangesNothing() {
    put("/v1/kv/config/a", "x");
    Answer header = call("PUT", "/v1/kv/config/a", "evil".getBytes(UTF_8), "X-Consul-Token", "not-a-token");
    Answer query = call("PUT", "/v1/kv/config/a?token=not-a-token", "evil".getBytes(UTF_8));
    Answer bearer = call("PUT", "/v1/kv/config/a", "evil".getBytes(UTF_8), "Authorization", "Bearer not-a-token");
    Answer txn = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/a\",\"Value\":\"ZQ==\"}}]"
        .getBytes(UTF_8), "X-Consul-Token", "not-a-token");
    for (Answer refused : List.of(header, query, bearer, txn)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().get("error").asText()).isEqualTo("acl_not_found");
      assertThat(refused.json().get("message").asText()).isEqualTo("ACL not found: the bearer token is not valid");
    }
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("x");
  }

  @Test
  void readOnlyTokenReadsButMayNotWrite() {
    put("/v1/kv/config/a", "x");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "X-Consul-Token", reader).text()).isEqualTo("x");
    Answer write = call("PUT", "/v1/kv/config/a", "y".getBytes(UTF_8), "X-Consul-Token", reader);
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(call("DELETE", "/v1/kv/config/a", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(call("DELETE", "/v1/kv/config/?recurse", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("x");
  }

  @Test
  void readOnlyTokenSeesOnlyItsKeysInAList() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/other/b", "x");
    put("/v1/kv/" + PORT_KEY, "8080");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    assertThat(call("GET", "/v1/kv/?recurse", null, "X-Consul-Token", reader).json().findValuesAsText("Key"))
        .containsExactly("config/a");
    assertThat(call("GET", "/v1/kv/?keys", null, "X-Consul-Token", reader).json().toString())
        .isEqualTo("[\"config/a\"]");
    assertThat(call("GET", "/v1/kv/other/b", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(call("GET", "/v1/kv/other/?recurse", null, "X-Consul-Token", reader).status()).isEqualTo(404);
  }

  @Test
  void groupTokenWritesOnlyItsGroup() {
    String lisbon = token("{\"identity\":\"lisbon-ops\",\"rules\":[\"write fleet/groups/site/lisbon/*\"]}");
    assertTrueAnswer(call("PUT", "/v1/kv/fleet/groups/site/lisbon/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon));
    assertThat(call("PUT", "/v1/kv/fleet/groups/site/porto/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon).status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/kv/fleet/global/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon).status()).isEqualTo(403);
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void deviceTokenIsForbiddenOnTheKvApi() {
    device("cam-1", "site/lisbon");
    put("/v1/kv/fleet/devices/cam-1/dvr/ip", "10.0.0.7");
    String device = token("{\"kind\":\"device\",\"device\":\"cam-1\"}");
    assertThat(call("GET", "/v1/kv/fleet/devices/cam-1/dvr/ip", null, "X-Consul-Token", device).status())
        .isEqualTo(403);
    assertThat(call("GET", "/v1/kv/?recurse", null, "X-Consul-Token", device).status()).isEqualTo(403);
    assertThat(call("GET", "/v1/kv/?keys", null, "X-Consul-Token", device).status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/kv/fleet/devices/cam-1/dvr/ip", "x".getBytes(UTF_8), "X-Consul-Token", device)
        .status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"get-tree\",\"Key\":\"\"}}]".getBytes(UTF_8),
        "X-Consul-Token", device).status()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- transactions

  @Test
  void transactionSetsCreatesAndReadsAtomically() {
    put("/v1/kv/config/existing", "hello");
    Answer answer = txn("""
        [{"KV": {"Verb": "set", "Key": "config/a", "Value": "%s", "Flags": 3}},
         {"KV": {"Verb": "cas", "Key": "config/b", "Value": "%s", "Index": 0}},
         {"KV": {"Verb": "get", "Key": "config/existing"}}]""".formatted(b64("1"), b64("2")));
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":["
        + "{\"KV\":{\"LockIndex\":0,\"Key\":\"config/a\",\"Flags\":3,\"Value\":null,\"CreateIndex\":2,\"ModifyIndex\":2}},"
        + "{\"KV\":{\"LockIndex\":0,\"Key\":\"config/b\",\"Flags\":0,\"Value\":null,\"CreateIndex\":2,\"ModifyIndex\":2}},"
        + "{\"KV\":{\"LockIndex\":0,\"Key\":\"config/existing\",\"Flags\":0,\"Value\":\"" + b64("hello")
        + "\",\"CreateIndex\":1,\"ModifyIndex\":1}}],\"Errors\":null}");
    assertThat(server.revision()).isEqualTo(2);
    JsonNode changeSet = server.get("/api/v1/changes/2").json();
    assertThat(changeSet.get("source").asText()).isEqualTo("consul");
    assertThat(changeSet.get("changes").findValuesAsText("key")).containsExactly("plain/config/a", "plain/config/b");
    assertThat(nativeEntry("plain/config/a").get("value").toString()).isEqualTo("1");
  }

  @Test
  void failingCheckIndexRollsBackTheWholeTransaction() {
    put("/v1/kv/config/a", "x");
    Answer answer = txn("""
        [{"KV": {"Verb": "set", "Key": "config/b", "Value": "%s"}},
         {"KV": {"Verb": "check-index", "Key": "config/a", "Index": 7}},
         {"KV": {"Verb": "set", "Key": "config/c", "Value": "%s"}}]""".formatted(b64("b"), b64("c")));
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":null,\"Errors\":[{\"OpIndex\":1,"
        + "\"What\":\"failed index check for key \\\"config/a\\\", current modify index 1 != 7\"}]}");
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/b").status()).isEqualTo(404);
    assertThat(get("/v1/kv/config/c").status()).isEqualTo(404);
  }

  @Test
  void checkIndexThatHoldsAnswersTheEntryWithoutItsValue() {
    put("/v1/kv/config/a", "x");
    Answer answer = txn("""
        [{"KV": {"Verb": "check-index", "Key": "config/a", "Index": 1}},
         {"KV": {"Verb": "set", "Key": "config/b", "Value": "%s"}}]""".formatted(b64("b")));
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().get("Results").get(0).toString()).isEqualTo(
        "{\"KV\":{\"LockIndex\":0,\"Key\":\"config/a\",\"Flags\":0,\"Value\":null,\"CreateIndex\":1,\"ModifyIndex\":1}}");
    assertThat(answer.json().get("Results").size()).isEqualTo(2);
  }

  @Test
  void checkIndexOnAMissingKeyFails() {
    Answer answer = txn("[{\"KV\": {\"Verb\": \"check-index\", \"Key\": \"config/none\", \"Index\": 1}}]");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":null,\"Errors\":[{\"OpIndex\":0,"
        + "\"What\":\"failed to check index, key \\\"config/none\\\" doesn't exist\"}]}");
  }

  @Test
  void checkNotExistsGuardsACreate() {
    String create = """
        [{"KV": {"Verb": "check-not-exists", "Key": "config/lock"}},
         {"KV": {"Verb": "set", "Key": "config/lock", "Value": "%s"}}]""".formatted(b64("mine"));
    Answer first = txn(create);
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().get("Results").size()).isEqualTo(1);
    Answer second = txn(create);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().toString()).isEqualTo(
        "{\"Results\":null,\"Errors\":[{\"OpIndex\":0,\"What\":\"key \\\"config/lock\\\" exists\"}]}");
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void staleCasInATransactionFails() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/config/a", "y");
    Answer answer = txn("[{\"KV\": {\"Verb\": \"cas\", \"Key\": \"config/a\", \"Value\": \"" + b64("z")
        + "\", \"Index\": 1}}]");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":null,\"Errors\":[{\"OpIndex\":0,"
        + "\"What\":\"failed to set key \\\"config/a\\\", index is stale\"}]}");
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("y");
  }

  @Test
  void getOfAMissingKeyFailsTheTransaction() {
    Answer answer = txn("""
        [{"KV": {"Verb": "set", "Key": "config/b", "Value": "%s"}},
         {"KV": {"Verb": "get", "Key": "config/none"}}]""".formatted(b64("b")));
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":null,\"Errors\":[{\"OpIndex\":1,"
        + "\"What\":\"key \\\"config/none\\\" doesn't exist\"}]}");
    assertThat(server.revision()).isZero();
  }

  @Test
  void operationsSeeTheTransactionsOwnEarlierWrites() {
    put("/v1/kv/config/old", "o");
    Answer answer = txn("""
        [{"KV": {"Verb": "set", "Key": "config/new", "Value": "%s"}},
         {"KV": {"Verb": "get", "Key": "config/new"}},
         {"KV": {"Verb": "delete", "Key": "config/old"}},
         {"KV": {"Verb": "check-not-exists", "Key": "config/old"}},
         {"KV": {"Verb": "cas", "Key": "config/old", "Value": "%s", "Index": 0}}]""".formatted(b64("n"), b64("o2")));
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().at("/Results/1/KV/Value").asText()).isEqualTo(b64("n"));
    assertThat(server.revision()).isEqualTo(2);
    assertThat(get("/v1/kv/config/old?raw").text()).isEqualTo("o2");

    Answer unknownIndex = txn("""
        [{"KV": {"Verb": "set", "Key": "config/new", "Value": "%s"}},
         {"KV": {"Verb": "check-index", "Key": "config/new", "Index": 2}}]""".formatted(b64("m")));
    assertThat(unknownIndex.status()).isEqualTo(409);
    assertThat(unknownIndex.json().at("/Errors/0/OpIndex").asInt()).isEqualTo(1);
    assertThat(server.revision()).isEqualTo(2);
  }

  @Test
  void aWriteToAnUnregisteredDevicesScopeIsANotFoundThatNamesIt() {
    Answer answer = consul("PUT", "/v1/kv/fleet/devices/ghost/common/x", "1".getBytes(UTF_8));
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("message").asText()).contains("ghost");
    assertThat(server.revision()).isZero();
  }

  @Test
  void deleteTreeDeletesAStringPrefixInOneChangeSet() {
    appKeys();
    long before = server.revision();
    Answer answer = txn("[{\"KV\": {\"Verb\": \"delete-tree\", \"Key\": \"config/app\"}}]");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().toString()).isEqualTo("{\"Results\":[],\"Errors\":null}");
    assertThat(server.revision()).isEqualTo(before + 1);
    assertThat(get("/v1/kv/?keys").json().toString()).isEqualTo("[\"config/b\",\"other/k\"]");
  }

  @Test
  void deleteAndDeleteCasInATransaction() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/config/b", "x");
    Answer stale = txn("""
        [{"KV": {"Verb": "delete", "Key": "config/a"}},
         {"KV": {"Verb": "delete-cas", "Key": "config/b", "Index": 1}}]""");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("Errors").toString())
        .isEqualTo("[{\"OpIndex\":1,\"What\":\"failed to delete key \\\"config/b\\\", index is stale\"}]");
    assertThat(get("/v1/kv/config/a").status()).isEqualTo(200);
    Answer right = txn("""
        [{"KV": {"Verb": "delete", "Key": "config/a"}},
         {"KV": {"Verb": "delete-cas", "Key": "config/b", "Index": 2}},
         {"KV": {"Verb": "delete", "Key": "config/never"}}]""");
    assertThat(right.status()).as(right.text()).isEqualTo(200);
    assertThat(get("/v1/kv/config/?keys").status()).isEqualTo(404);
  }

  @Test
  void getTreeReadsAStringPrefix() {
    appKeys();
    Answer answer = txn("[{\"KV\": {\"Verb\": \"get-tree\", \"Key\": \"config/ap\"}}]");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("Results").findValuesAsText("Key"))
        .containsExactly("config/app1/x", "config/app1/y/deep", "config/app2/z", "config/apple");
    assertThat(answer.json().get("Results").get(0).get("KV").get("Value").asText()).isEqualTo(b64("x"));
  }

  @Test
  void moreThan64OperationsAreRefused() {
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i < 65; i++) {
      ops.append(i == 0 ? "" : ",").append("{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/k").append(i)
          .append("\",\"Value\":\"").append(b64("v")).append("\"}}");
    }
    Answer answer = txn(ops.append("]").toString());
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.json().get("message").asText()).isEqualTo("Transaction contains too many operations (65 > 64)");
    assertThat(server.revision()).isZero();
  }

  @Test
  void exactly64OperationsAreOneChangeSet() {
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i < 64; i++) {
      ops.append(i == 0 ? "" : ",").append("{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/k").append(i)
          .append("\",\"Value\":\"").append(b64("v")).append("\"}}");
    }
    assertThat(txn(ops.append("]").toString()).status()).isEqualTo(200);
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/?keys").json().size()).isEqualTo(64);
  }

  @Test
  void nodeOperationIsRefused() {
    Answer answer = txn("[{\"Node\": {\"Verb\": \"set\", \"Node\": {\"Node\": \"n1\", \"Address\": \"10.0.0.1\"}}}]");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).contains("KV operations only");
  }

  @Test
  void lockVerbIsRefused() {
    Answer answer = txn("[{\"KV\": {\"Verb\": \"lock\", \"Key\": \"config/l\", \"Session\": \"abc\"}}]");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).contains("sessions and locks");
    assertThat(server.revision()).isZero();
  }

  @Test
  void unknownVerbAndBadValueAreRefused() {
    assertThat(txn("[{\"KV\": {\"Verb\": \"frobnicate\", \"Key\": \"config/a\"}}]").status()).isEqualTo(400);
    assertThat(txn("[{\"KV\": {\"Verb\": \"set\", \"Key\": \"config/a\", \"Value\": \"not base64!\"}}]").status())
        .isEqualTo(400);
    assertThat(txn("{\"KV\": {}}").status()).isEqualTo(400);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- agent, status, sessions

  @Test
  void leaderAndPeersNeedNoTokenAndNameThisServer() {
    int port = server.uri().getPort();
    Answer leader = call("GET", "/v1/status/leader", null);
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.text().strip()).isEqualTo("\"127.0.0.1:" + port + "\"");
    Answer peers = call("GET", "/v1/status/peers", null);
    assertThat(peers.status()).isEqualTo(200);
    assertThat(peers.json().toString()).isEqualTo("[\"127.0.0.1:" + port + "\"]");
  }

  @Test
  void agentSelfDescribesOneServerInDc1() {
    Answer self = get("/v1/agent/self");
    assertThat(self.status()).isEqualTo(200);
    assertThat(self.json().get("Config").get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(self.json().get("Member").get("Port").asInt()).isEqualTo(server.uri().getPort());
    assertThat(self.json().get("Member").get("Addr").asText()).isEqualTo("127.0.0.1");
    assertThat(call("GET", "/v1/agent/self", null).status()).isEqualTo(403);
  }

  @Test
  void catalogKnowsOnlyDc1() {
    assertThat(get("/v1/catalog/datacenters").json().toString()).isEqualTo("[\"dc1\"]");
  }

  @Test
  void sessionsAreNotImplemented() {
    Answer create = put("/v1/session/create", "{}");
    assertThat(create.status()).isEqualTo(501);
    assertThat(create.json().get("message").asText()).contains("sessions");
    assertThat(get("/v1/session/list").status()).isEqualTo(501);
  }

  @Test
  void acquireAndReleaseAreRefused() {
    Answer acquire = put("/v1/kv/config/lock?acquire=abc", "x");
    assertThat(acquire.status()).isEqualTo(400);
    assertThat(acquire.json().get("message").asText()).contains("sessions and locks ('acquire')");
    assertThat(put("/v1/kv/config/lock?release=abc", "x").status()).isEqualTo(400);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void secretIsMaskedWithoutTheRightToReadSecrets() {
    server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"hunter2\"");
    String auditor = token("{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\"]}");
    String keeper = token("{\"identity\":\"keeper\",\"rules\":[\"read fleet/*\",\"read secrets\"]}");
    String path = "/v1/kv/fleet/global/common/dvr_password";

    assertThat(call("GET", path + "?raw", null, "X-Consul-Token", auditor).text()).isEqualTo("********");
    assertThat(call("GET", path, null, "X-Consul-Token", auditor).value()).isEqualTo("********".getBytes(UTF_8));
    assertThat(call("GET", "/v1/kv/fleet/?recurse", null, "X-Consul-Token", auditor).json().get(0).get("Value")
        .asText()).isEqualTo(b64("********"));
    assertThat(call("GET", path + "?raw", null, "X-Consul-Token", keeper).text()).isEqualTo("hunter2");
    assertThat(get(path + "?raw").text()).isEqualTo("hunter2");
  }

  @Test
  void consulWriteKeepsAnEntrySecret() {
    server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"hunter2\"");
    put("/v1/kv/fleet/global/common/dvr_password", "hunter3");
    JsonNode entry = nativeEntry("global/common/dvr_password");
    assertThat(entry.get("secret").asBoolean()).isTrue();
    assertThat(entry.get("value").asText()).isEqualTo("hunter3");
  }
}
