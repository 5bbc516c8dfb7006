package io.fleetconf.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.KeyValueClient;
import org.kiwiproject.consul.model.kv.Operation;
import org.kiwiproject.consul.model.kv.TxResponse;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.model.kv.Verb;

/**
 * kiwiproject's Consul client (org.kiwiproject:consul-client, unmodified; the orbitz client's line)
 * against a real fleetconf server's Consul-compatible API. Its {@code /v1/txn} body spells the
 * operation's field {@code "kv"}, which Consul's case-insensitive Go decoding accepts and fleetconf
 * once refused (issue 14, item 11).
 */
class KiwiConsulClientTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  ConsulEndpoint endpoint;
  Consul consul;
  KeyValueClient kv;

  @BeforeEach
  void connect() {
    endpoint = ConsulEndpoint.of(server);
    consul = Consul.builder().withUrl("http://" + endpoint.host + ":" + endpoint.port)
        .withTokenAuth(server.token()).build();
    kv = consul.keyValueClient();
  }

  @AfterEach
  void disconnect() {
    consul.destroy();
  }

  private static Operation op(Verb verb, String key) {
    return Operation.builder(verb).key(key).build();
  }

  private static Operation set(String key, String value) {
    return Operation.builder(Verb.SET).key(key).value(value).build();
  }

  private static Operation cas(String key, String value, long index) {
    return Operation.builder(Verb.CHECK_AND_SET).key(key).value(value).index(BigInteger.valueOf(index)).build();
  }

  private long modifyIndex(String key) {
    return kv.getValue(key).orElseThrow().getModifyIndex();
  }

  @Test
  void putGetListAndDeleteAPlainAndALayeredKey() {
    assertThat(kv.putValue("config/app1/port", "8080")).isTrue();
    assertThat(kv.putValue("fleet/global/tv_api/name", "tv api")).isTrue();
    assertThat(kv.putValue("fleet/global/tv_api/port", "8080")).isTrue();

    Value plain = kv.getValue("config/app1/port").orElseThrow();
    assertThat(plain.getKey()).isEqualTo("config/app1/port");
    assertThat(plain.getValueAsString(UTF_8)).contains("8080");
    assertThat(plain.getCreateIndex()).isEqualTo(1);
    assertThat(plain.getModifyIndex()).isEqualTo(1);
    assertThat(plain.getFlags()).isZero();
    assertThat(kv.getValueAsString("fleet/global/tv_api/name", UTF_8)).contains("tv api");

    List<Value> layered = kv.getValues("fleet/global/");
    assertThat(layered).extracting(Value::getKey)
        .containsExactly("fleet/global/tv_api/name", "fleet/global/tv_api/port");
    assertThat(layered).extracting(value -> value.getValueAsString(UTF_8).orElseThrow())
        .containsExactly("tv api", "8080");
    assertThat(layered).extracting(Value::getModifyIndex).containsExactly(2L, 3L);
    assertThat(server.get("/api/v1/entries/global/tv_api/name").json().get("value").asText()).isEqualTo("tv api");

    kv.deleteKey("fleet/global/tv_api/name");
    assertThat(kv.getValue("fleet/global/tv_api/name")).isEmpty();
    assertThat(server.get("/api/v1/entries/global/tv_api/name").status()).isEqualTo(404);
    assertThat(kv.getValuesAsString("fleet/global/", UTF_8)).containsExactly("8080");

    kv.deleteKeys("config/");
    assertThat(kv.getValues("config/")).isEmpty();
    assertThat(kv.getKeys("")).containsExactly("fleet/global/tv_api/port");
  }

  @Test
  void performTransactionSetsCasesChecksAndReadsBackInOneChangeSet() {
    assertThat(kv.putValue("config/app1/host", "app1.example")).isTrue();
    assertThat(kv.putValue("config/app1/db", "jdbc:x")).isTrue();
    long host = modifyIndex("config/app1/host");
    long db = modifyIndex("config/app1/db");
    long revisionBefore = server.revision();

    TxResponse reply = kv.performTransaction(
        set("config/app1/port", "8080"),
        set("fleet/global/tv_api/port", "9090"),
        cas("config/app1/host", "app1.example:8080", host),
        Operation.builder(Verb.CHECK_INDEX).key("config/app1/db").index(BigInteger.valueOf(db)).build(),
        op(Verb.GET, "config/app1/port")).getResponse();

    assertThat(reply.errors()).isEmpty();
    List<Value> results = reply.results().stream().map(result -> result.get("KV")).toList();
    assertThat(results).extracting(Value::getKey).containsExactly(
        "config/app1/port", "fleet/global/tv_api/port", "config/app1/host", "config/app1/db", "config/app1/port");
    long committed = revisionBefore + 1;
    assertThat(results).extracting(Value::getModifyIndex)
        .containsExactly(committed, committed, committed, db, committed);
    assertThat(results).extracting(Value::getCreateIndex).containsExactly(committed, committed, host, db, committed);
    assertThat(results.get(4).getValueAsString(UTF_8)).contains("8080");

    assertThat(server.revision()).isEqualTo(committed);
    JsonNode changeSet = server.get("/api/v1/history?limit=1").json().get("changeSets").get(0);
    assertThat(changeSet.get("changes").findValuesAsText("key")).containsExactlyInAnyOrder(
        "plain/config/app1/port", "global/tv_api/port", "plain/config/app1/host");
    assertThat(kv.getValueAsString("config/app1/port", UTF_8)).contains("8080");
    assertThat(kv.getValueAsString("fleet/global/tv_api/port", UTF_8)).contains("9090");
    assertThat(kv.getValueAsString("config/app1/host", UTF_8)).contains("app1.example:8080");
    assertThat(kv.getValueAsString("config/app1/db", UTF_8)).contains("jdbc:x");
    assertThat(server.get("/api/v1/entries/global/tv_api/port").json().get("value").toString()).isEqualTo("9090");
  }

  @Test
  void aTransactionWithAStaleCasChangesNothing() {
    assertThat(kv.putValue("config/app1/port", "8080")).isTrue();
    long stale = modifyIndex("config/app1/port");
    assertThat(kv.putValue("config/app1/port", "8081")).isTrue();
    long revisionBefore = server.revision();

    ConsulException refused = catchThrowableOfType(ConsulException.class, () -> kv.performTransaction(
        set("fleet/global/tv_api/port", "9090"),
        cas("config/app1/port", "9999", stale),
        set("config/app1/host", "h")));

    assertThat(refused.getCode()).isEqualTo(409);
    assertThat(refused.getMessage()).isEqualTo(
        "Consul request to [" + endpoint.uri("/v1/txn") + "] failed with status [409]: " + """
        {
          "Results" : null,
          "Errors" : [ {
            "OpIndex" : 1,
            "What" : "failed to set key \\"config/app1/port\\", index is stale"
          } ]
        }
        """);
    assertThat(server.revision()).isEqualTo(revisionBefore);
    assertThat(kv.getValueAsString("config/app1/port", UTF_8)).contains("8081");
    assertThat(modifyIndex("config/app1/port")).isEqualTo(revisionBefore);
    assertThat(kv.getValue("fleet/global/tv_api/port")).isEmpty();
    assertThat(kv.getValue("config/app1/host")).isEmpty();
  }
}
