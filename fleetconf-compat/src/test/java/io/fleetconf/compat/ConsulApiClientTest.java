package io.fleetconf.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.kv.model.GetBinaryValue;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ecwid Consul client (com.ecwid.consul:consul-api, unmodified, as Spring Cloud Consul uses it)
 * against a real fleetconf server's Consul-compatible API.
 */
class ConsulApiClientTest extends ConsulApiClientSupport {
  @Test
  void valuesComeBackByteForByte() {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    values.put("config/app1/port", "8080");
    values.put("config/app1/greeting", "hello world");
    values.put("config/app1/config.yaml", "server:\n  port: 8080\n  hosts:\n    - a.example\n    - b.example\n");
    values.put("config/app1/motd", "Olá, coração! Ünïcödé ✓ 日本語 🚀");
    values.put("config/app1/leading_zero", "08080");
    values.put("config/app1/json", "{\"a\":1}");
    values.put("config/app1/spaced_json", "{ \"a\": 1 }");
    values.put("fleet/global/tv_api/port", "8080");
    values.put("fleet/global/tv_api/name", "tv api");

    values.forEach((key, value) -> assertThat(set(key, value)).as("PUT %s", key).isTrue());

    values.forEach((key, value) -> {
      Response<GetValue> text = consul.getKVValue(key, token);
      assertThat(text.getValue()).as("GET %s", key).isNotNull();
      assertThat(text.getValue().getKey()).isEqualTo(key);
      assertThat(text.getValue().getDecodedValue(UTF_8)).as("GET %s", key).isEqualTo(value);
      assertThat(text.getValue().getFlags()).isZero();
      assertThat(text.getValue().getCreateIndex()).isPositive();
      assertThat(text.getValue().getModifyIndex()).isEqualTo(text.getValue().getCreateIndex());
      assertThat(text.getConsulIndex()).isNotNull().isPositive();
      assertThat(text.isConsulKnownLeader()).isTrue();
      assertThat(text.getConsulLastContact()).isNotNull();

      GetBinaryValue binary = consul.getKVBinaryValue(key, token).getValue();
      assertThat(binary.getValue()).as("binary GET %s", key).isEqualTo(value.getBytes(UTF_8));

      ConsulEndpoint.Reply raw = endpoint.send("GET", "/v1/kv/" + key + "?raw", null, "X-Consul-Token", token);
      assertThat(raw.status()).isEqualTo(200);
      assertThat(raw.bytes()).as("?raw %s", key).isEqualTo(value.getBytes(UTF_8));
    });
  }

  @Test
  void aMissingKeyIs404WithAnIndex() {
    set("config/app1/port", "8080");
    Response<GetValue> missing = consul.getKVValue("config/app1/nope", token);
    assertThat(missing.getValue()).isNull();
    assertThat(missing.getConsulIndex()).isNotNull().isPositive();

    ConsulEndpoint.Reply raw = endpoint.send("GET", "/v1/kv/config/app1/nope", null, "X-Consul-Token", token);
    assertThat(raw.status()).isEqualTo(404);
    assertThat(raw.header("X-Consul-Index")).matches("[1-9][0-9]*");
    assertThat(consul.getKVValues("nothing/here/", token).getValue()).isNull();
  }

  @Test
  void layeredKeysAreFleetconfEntriesBothWays() {
    assertThat(set("fleet/global/tv_api/port", "8080")).isTrue();
    TestServer.Reply entry = server.get("/api/v1/entries/global/tv_api/port");
    assertThat(entry.status()).isEqualTo(200);
    JsonNode json = entry.json();
    assertThat(json.get("key").asText()).isEqualTo("global/tv_api/port");
    assertThat(json.get("scope").asText()).isEqualTo("global");
    assertThat(json.get("path").asText()).isEqualTo("tv_api/port");
    // Bytes that are exactly a JSON number become a number: a port is a number in a device's config.
    assertThat(json.get("value").toString()).isEqualTo("8080");
    assertThat(json.get("modRevision").asLong()).isEqualTo(get("fleet/global/tv_api/port").getModifyIndex());

    assertThat(server.put("/api/v1/entries/global/tv_api/host", "\"tv.example\"").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/groups/site/lisbon/tv_api/port", "9090").status()).isEqualTo(200);
    assertThat(get("fleet/global/tv_api/host").getDecodedValue(UTF_8)).isEqualTo("tv.example");
    assertThat(get("fleet/groups/site/lisbon/tv_api/port").getDecodedValue(UTF_8)).isEqualTo("9090");
    assertThat(consul.getKVKeysOnly("fleet/", null, token).getValue()).containsExactly(
        "fleet/global/tv_api/host", "fleet/global/tv_api/port", "fleet/groups/site/lisbon/tv_api/port");
  }

  @Test
  void recurseReadsAPrefixInKeyOrder() {
    set("config/app1/port", "8080");
    set("config/app1/host", "app1.example");
    set("config/app1/db/url", "jdbc:postgresql://db/app1");
    set("config/app2/port", "9090");
    set("config/app10/port", "1010");
    set("fleet/global/tv_api/port", "8080");

    List<GetValue> app1 = consul.getKVValues("config/app1/", token).getValue();
    assertThat(app1).extracting(GetValue::getKey)
        .containsExactly("config/app1/db/url", "config/app1/host", "config/app1/port");
    assertThat(app1).extracting(value -> value.getDecodedValue(UTF_8))
        .containsExactly("jdbc:postgresql://db/app1", "app1.example", "8080");

    // Without the trailing slash a prefix is a plain string prefix, as in Consul.
    assertThat(consul.getKVValues("config/app1", token).getValue()).extracting(GetValue::getKey).containsExactly(
        "config/app1/db/url", "config/app1/host", "config/app1/port", "config/app10/port");
    assertThat(consul.getKVValues("fleet/global/", token).getValue()).extracting(GetValue::getKey)
        .containsExactly("fleet/global/tv_api/port");
  }

  @Test
  void keysOnlyWithASeparatorRollUpFolders() {
    set("config/app1/port", "8080");
    set("config/app1/db/url", "jdbc:x");
    set("config/app2/port", "9090");
    set("config/top", "1");
    set("other/key", "1");

    assertThat(consul.getKVKeysOnly("config/", "/", token).getValue())
        .containsExactly("config/app1/", "config/app2/", "config/top");
    assertThat(consul.getKVKeysOnly("config/app1/", "/", token).getValue())
        .containsExactly("config/app1/db/", "config/app1/port");
    assertThat(consul.getKVKeysOnly("config/", null, token).getValue())
        .containsExactly("config/app1/db/url", "config/app1/port", "config/app2/port", "config/top");
  }

  @Test
  void compareAndSetWithTheRightIndexWinsAndAStaleOneLoses() {
    set("config/app1/port", "8080");
    long first = get("config/app1/port").getModifyIndex();

    assertThat(set("config/app1/port", "8081", cas(first))).isTrue();
    GetValue updated = get("config/app1/port");
    assertThat(updated.getDecodedValue(UTF_8)).isEqualTo("8081");
    assertThat(updated.getModifyIndex()).isGreaterThan(first);
    assertThat(updated.getCreateIndex()).isEqualTo(first);

    assertThat(set("config/app1/port", "9999", cas(first))).isFalse();
    GetValue after = get("config/app1/port");
    assertThat(after.getDecodedValue(UTF_8)).isEqualTo("8081");
    assertThat(after.getModifyIndex()).isEqualTo(updated.getModifyIndex());
  }

  @Test
  void casZeroCreatesOnly() {
    assertThat(set("config/app1/port", "8080", cas(0))).isTrue();
    long created = get("config/app1/port").getModifyIndex();
    assertThat(set("config/app1/port", "9090", cas(0))).isFalse();
    assertThat(get("config/app1/port").getDecodedValue(UTF_8)).isEqualTo("8080");
    assertThat(get("config/app1/port").getModifyIndex()).isEqualTo(created);
  }

  @Test
  void deleteOneKeyARecursivePrefixAndWithCas() {
    set("config/app1/port", "8080");
    set("config/app1/host", "h");
    set("config/app1/db/url", "u");
    set("config/app2/port", "9090");
    set("config/app1x", "keep");

    consul.deleteKVValue("config/app1/host", token);
    assertThat(consul.getKVValue("config/app1/host", token).getValue()).isNull();
    assertThat(get("config/app1/port").getDecodedValue(UTF_8)).isEqualTo("8080");

    consul.deleteKVValues("config/app1/", token);
    assertThat(consul.getKVValues("config/app1/", token).getValue()).isNull();
    assertThat(get("config/app2/port").getDecodedValue(UTF_8)).isEqualTo("9090");
    assertThat(get("config/app1x").getDecodedValue(UTF_8)).isEqualTo("keep");

    // consul-api 1.4.5 has no delete with cas: the wire form, as Consul documents it.
    long index = get("config/app2/port").getModifyIndex();
    ConsulEndpoint.Reply stale = endpoint.send("DELETE", "/v1/kv/config/app2/port?cas=" + (index - 1), null,
        "X-Consul-Token", token);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body().strip()).isEqualTo("false");
    assertThat(get("config/app2/port").getDecodedValue(UTF_8)).isEqualTo("9090");
    ConsulEndpoint.Reply fresh = endpoint.send("DELETE", "/v1/kv/config/app2/port?cas=" + index, null,
        "X-Consul-Token", token);
    assertThat(fresh.status()).isEqualTo(200);
    assertThat(fresh.body().strip()).isEqualTo("true");
    assertThat(consul.getKVValue("config/app2/port", token).getValue()).isNull();
  }

  @Test
  void flagsRoundTrip() {
    PutParams flags = new PutParams();
    flags.setFlags(42);
    assertThat(set("config/app1/port", "8080", flags)).isTrue();
    assertThat(get("config/app1/port").getFlags()).isEqualTo(42);
    assertThat(consul.getKVValues("config/app1/", token).getValue().get(0).getFlags()).isEqualTo(42);

    PutParams big = new PutParams();
    big.setFlags(1L << 40);
    assertThat(consul.setKVBinaryValue("config/app1/port", "8081".getBytes(UTF_8), token, big).getValue()).isTrue();
    GetValue value = get("config/app1/port");
    assertThat(value.getFlags()).isEqualTo(1L << 40);
    assertThat(value.getDecodedValue(UTF_8)).isEqualTo("8081");
    // A write without flags sets them to 0, as in Consul.
    assertThat(set("config/app1/port", "8082")).isTrue();
    assertThat(get("config/app1/port").getFlags()).isZero();
  }

  @Test
  void tokensAsHeaderBearerOrQueryParameter() {
    set("config/app1/port", "8080");
    String path = "/v1/kv/config/app1/port?raw";
    assertThat(endpoint.send("GET", path, null, "X-Consul-Token", token).body()).isEqualTo("8080");
    assertThat(endpoint.send("GET", path, null, "Authorization", "Bearer " + token).body()).isEqualTo("8080");
    assertThat(endpoint.send("GET", path + "&token=" + token, null).body()).isEqualTo("8080");
  }

  @Test
  void refusedCredentialsAre403AsInConsul() {
    set("config/app1/port", "8080");
    String path = "/v1/kv/config/app1/port?raw";
    // Consul answers a token it does not know with 403 "ACL not found", and no token at all
    // (anonymous, which may read nothing here) with 403 "Permission denied".
    assertThat(List.of(
        endpoint.send("GET", path, null, "X-Consul-Token", "not-a-token").status(),
        endpoint.send("GET", path + "&token=not-a-token", null).status(),
        endpoint.send("GET", path, null).status(),
        endpoint.send("PUT", "/v1/kv/config/app1/port", "1".getBytes(UTF_8)).status()))
        .as("unknown token in the header, unknown token in ?token=, no token (GET), no token (PUT)")
        .containsExactly(403, 403, 403, 403);
    assertThat(get("config/app1/port").getDecodedValue(UTF_8)).isEqualTo("8080");
  }

  @Test
  void statusAndAgentSelfAnswerAsOneServerThatLeads() {
    String leader = consul.getStatusLeader().getValue();
    assertThat(leader).matches("[^:]+:[0-9]+");
    assertThat(consul.getStatusPeers().getValue()).containsExactly(leader);
    var self = consul.getAgentSelf(token).getValue();
    assertThat(self.getConfig()).isNotNull();
    assertThat(self.getConfig().getDatacenter()).isEqualTo("dc1");
    assertThat(self.getMember()).isNotNull();
  }
}