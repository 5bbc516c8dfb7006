package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Access is decided from the request (its prefix, its keys, the change set it names) and the
 * caller's rules, before anything is looked up: no answer, index, wake-up or message tells a caller
 * about keys it may not read (issue 14, items 17 and 18).
 */
class AuthoriseOnPrefixTest extends ConsulTestSupport {
  private static final String LISBON_RULES = "{\"identity\":\"lisbon-ops\",\"rules\":[\"write fleet/groups/site/lisbon/*\"]}";

  @Test
  void deviceGetsTheSame403OnTheKvApiWhetherOrNotKeysExist() {
    device("cam-1", "site/lisbon");
    put("/v1/kv/config/present/a", "x");
    String device = token("{\"kind\":\"device\",\"device\":\"cam-1\"}");
    for (String path : List.of("/v1/kv/config/present/?recurse", "/v1/kv/config/missing/?recurse",
        "/v1/kv/config/present/a", "/v1/kv/config/missing/a")) {
      Answer answer = call("DELETE", path, null, "X-Consul-Token", device);
      assertThat(answer.status()).as(path).isEqualTo(403);
      assertThat(answer.json().get("message").asText()).isEqualTo("device 'cam-1' may not use the Consul KV API");
    }
    for (String prefix : List.of("config/present/", "config/missing/")) {
      Answer txn = call("PUT", "/v1/txn", ("[{\"KV\":{\"Verb\":\"delete-tree\",\"Key\":\"" + prefix + "\"}}]")
          .getBytes(UTF_8), "X-Consul-Token", device);
      assertThat(txn.status()).isEqualTo(403);
      assertThat(txn.json().get("message").asText()).isEqualTo("device 'cam-1' may not use the Consul KV API");
    }
    assertThat(server.revision()).isEqualTo(2);
  }

  @Test
  void recursiveDeleteIsAuthorisedOnThePrefixNotOnWhatExistsUnderIt() {
    Issued lisbon = issue(LISBON_RULES);
    String key = "/v1/kv/fleet/groups/site/lisbon/common/ntp";
    assertTrueAnswer(call("PUT", key, "a".getBytes(UTF_8), "X-Consul-Token", lisbon.secret()));
    String refused = "token 'lisbon-ops' (" + lisbon.id() + ") may not write everything under 'fleet/groups/site/l'";

    Answer wide = call("DELETE", "/v1/kv/fleet/groups/site/l?recurse", null, "X-Consul-Token", lisbon.secret());
    assertThat(wide.status()).isEqualTo(403);
    assertThat(wide.json().get("message").asText()).isEqualTo(refused);
    Answer txn = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"delete-tree\",\"Key\":\"fleet/groups/site/l\"}}]"
        .getBytes(UTF_8), "X-Consul-Token", lisbon.secret());
    assertThat(txn.status()).isEqualTo(403);
    assertThat(txn.json().get("message").asText()).isEqualTo(refused);
    assertThat(get(key + "?raw").text()).isEqualTo("a");

    assertTrueAnswer(call("DELETE", "/v1/kv/fleet/groups/site/lisbon/?recurse", null,
        "X-Consul-Token", lisbon.secret()));
    assertThat(get(key).status()).isEqualTo(404);
  }

  @Test
  void transactionOnAnUnreadableKeyIs403WhetherOrNotItExists() {
    put("/v1/kv/other/present", "x");
    Issued reader = issue("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    for (String key : List.of("other/present", "other/missing")) {
      for (String verb : List.of("check-index", "get", "delete", "delete-cas")) {
        Answer answer = call("PUT", "/v1/txn", ("[{\"KV\":{\"Verb\":\"" + verb + "\",\"Key\":\"" + key
            + "\",\"Index\":1}}]").getBytes(UTF_8), "X-Consul-Token", reader.secret());
        assertThat(answer.status()).as(verb + " " + key + ": " + answer.text()).isEqualTo(403);
        String access = verb.startsWith("delete") ? "write " : "read ";
        assertThat(answer.json().get("message").asText())
            .isEqualTo("token 'reader' (" + reader.id() + ") may not " + access + key);
      }
    }
  }

  @Test
  void recursiveReadIndexCountsOnlyReadableKeys() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/other/secret", "s");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    Answer outside = call("GET", "/v1/kv/other/?recurse", null, "X-Consul-Token", reader);
    assertThat(outside.status()).isEqualTo(404);
    assertThat(outside.header("X-Consul-Index")).isEqualTo("1");
    Answer all = call("GET", "/v1/kv/?recurse", null, "X-Consul-Token", reader);
    assertThat(all.json().findValuesAsText("Key")).containsExactly("config/a");
    assertThat(all.header("X-Consul-Index")).isEqualTo("1");
    put("/v1/kv/other/secret", "changed");
    assertThat(call("GET", "/v1/kv/?keys", null, "X-Consul-Token", reader).header("X-Consul-Index")).isEqualTo("1");
    assertThat(get("/v1/kv/?recurse").header("X-Consul-Index")).isEqualTo("3");
  }

  @Test
  void blockingQueryDoesNotWakeForAKeyTheCallerMayNotRead() throws Exception {
    put("/v1/kv/config/a", "x");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    CompletableFuture<Answer> readerWatch = HTTP.sendAsync(request(server, "GET", "/v1/kv/?recurse&index=1&wait=60s",
        null, "X-Consul-Token", reader), java.net.http.HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Answer(response.statusCode(), response.headers(), response.body()));
    CompletableFuture<Answer> adminWatch = getAsync("/v1/kv/other/?recurse&index=1&wait=60s");
    server.awaitHeldWatches(2);

    put("/v1/kv/other/secret", "s");
    // The admin's watch answers in the same fan-out that would have woken the reader's.
    assertThat(adminWatch.get(10, TimeUnit.SECONDS).index()).isEqualTo(2);
    assertThat(readerWatch).isNotDone();
    assertThat(server.server().heldWatches()).isEqualTo(1);

    put("/v1/kv/config/b", "y");
    Answer woken = readerWatch.get(10, TimeUnit.SECONDS);
    assertThat(woken.index()).isEqualTo(3);
    assertThat(woken.json().findValuesAsText("Key")).containsExactly("config/a", "config/b");
  }

  @Test
  void rollbackIsAuthorisedOnTheWholeChangeSetAndNamesNoUnreadableKey() {
    String both = "{\"operations\":[{\"op\":\"put\",\"key\":\"groups/site/lisbon/common/ntp\",\"value\":\"a\"},"
        + "{\"op\":\"put\",\"key\":\"global/common/vault_addr\",\"value\":\"v1\"}]}";
    assertThat(server.post("/api/v1/changes", both).status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/global/common/vault_addr", "\"v2\"").status()).isEqualTo(200);
    Issued lisbon = issue(LISBON_RULES);
    Issued auditor = issue("{\"identity\":\"auditor\",\"rules\":[\"write fleet/groups/site/lisbon/*\","
        + "\"read fleet/global/*\"]}");

    TestServer.Reply blind = post(lisbon, "/api/v1/rollback", "{\"revision\": 1}");
    assertThat(blind.status()).isEqualTo(403);
    assertThat(blind.json().get("message").asText()).isEqualTo("token 'lisbon-ops' (" + lisbon.id()
        + ") may not roll back revision 1, which changed what it may not read");
    TestServer.Reply seeing = post(auditor, "/api/v1/rollback", "{\"revision\": 1}");
    assertThat(seeing.status()).isEqualTo(403);
    assertThat(seeing.json().get("message").asText()).isEqualTo("token 'auditor' (" + auditor.id()
        + ") may not roll back revision 1, which changed fleet/global/common/vault_addr");
    assertThat(server.revision()).isEqualTo(2);
  }

  @Test
  void restoreIsAuthorisedOnThePrefixAndNamesNoUnreadableKey() {
    assertThat(server.put("/api/v1/entries/global/common/vault_addr", "\"v1\"").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/global/common/vault_addr", "\"v2\"").status()).isEqualTo(200);
    Issued lisbon = issue(LISBON_RULES);
    TestServer.Reply refused = post(lisbon, "/api/v1/restore", "{\"prefix\": \"global\", \"revision\": 1}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText())
        .isEqualTo("token 'lisbon-ops' (" + lisbon.id() + ") may not write everything under fleet/global");
    assertThat(server.revision()).isEqualTo(2);
  }

  private TestServer.Reply post(Issued as, String path, String json) {
    return server.send("POST", path, json.getBytes(UTF_8), "application/json", "Bearer " + as.secret());
  }
}
