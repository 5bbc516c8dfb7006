package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consul blocking queries, and the one key space Consul shares with the layers, the history and rollback. */
class ConsulWatchTest extends ConsulTestSupport {
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
    server.awaitHeldWatches(1);
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
    server.awaitHeldWatches(1);
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
    server.awaitHeldWatches(1);
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
    server.awaitHeldWatches(1);
    assertThat(held).isNotDone();
    TestServer.Reply rollback = server.post("/api/v1/rollback", "{\"revision\":2}");
    assertThat(rollback.json().toString()).isEqualTo("{\"revision\":3,\"changes\":1}");
    Answer answer = held.get(10, TimeUnit.SECONDS);
    assertThat(answer.index()).isEqualTo(3);
    assertThat(answer.value()).isEqualTo("v1".getBytes(UTF_8));
    assertThat(answer.entry().get("CreateIndex").asLong()).isEqualTo(1);
    assertThat(server.get("/api/v1/changes/3").json().get("source").asText()).isEqualTo("rollback of 2");
  }
}
