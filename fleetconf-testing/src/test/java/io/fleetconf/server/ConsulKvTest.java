package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Consul's KV reads and writes over raw HTTP: values byte for byte, the entry shape, flags, listings, compare-and-set and deletes. */
class ConsulKvTest extends ConsulTestSupport {
  // ---------------------------------------------------------------- values

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("8080", "8080"),
        Arguments.of("08080", "\"08080\""),
        Arguments.of("1.50", "1.50"),
        Arguments.of("1e3", "1e3"),
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

  /** A native string "1.10" read through Consul and written back became the number 1.10 (a float in a device's YAML). */
  @Test
  void writingBackTheBytesReadKeepsTheValueAndItsType() {
    server.put("/api/v1/entries/global/tv_api/fw", "\"1.10\"");
    server.put("/api/v1/entries/global/tv_api/enabled", "\"true\"");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    for (String key : java.util.List.of("fw", "enabled", "port")) {
      String path = "/v1/kv/fleet/global/tv_api/" + key;
      assertTrueAnswer(put(path, get(path + "?raw").text()));
    }
    assertThat(txn("[{\"KV\":{\"Verb\":\"set\",\"Key\":\"fleet/global/tv_api/fw\",\"Value\":\"" + b64("1.10")
        + "\"}}]").status()).isEqualTo(200);
    assertThat(nativeEntry("global/tv_api/fw").get("value").toString()).isEqualTo("\"1.10\"");
    assertThat(nativeEntry("global/tv_api/enabled").get("value").toString()).isEqualTo("\"true\"");
    assertThat(nativeEntry("global/tv_api/port").get("value").toString()).isEqualTo("8080");
    assertTrueAnswer(put("/v1/kv/fleet/global/tv_api/fw", "1.11")); // other bytes: typed as before
    assertThat(nativeEntry("global/tv_api/fw").get("value").toString()).isEqualTo("1.11");
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

  @Test
  void recursiveDeleteWithCasIsRefusedAsConflictingFlagsAndDeletesNothing() {
    appKeys();
    Answer answer = delete("/v1/kv/config/?recurse&cas=5");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).isEqualTo("Conflicting flags: cas=5&recurse=");
    assertThat(server.revision()).isEqualTo(6);
    assertThat(get("/v1/kv/config/?keys").json().size()).isEqualTo(5);
  }
}
