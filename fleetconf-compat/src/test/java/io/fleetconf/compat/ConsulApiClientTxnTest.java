package io.fleetconf.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Transactions of the ecwid Consul client against a real fleetconf server, and their history. */
class ConsulApiClientTxnTest extends ConsulApiClientSupport {
  @Test
  void aTransactionSetsTwoKeysAtomically() {
    long revisionBefore = server.revision();
    ConsulEndpoint.Reply reply = endpoint.txn("""
        [{"KV": {"Verb": "set", "Key": "config/app1/port", "Value": "%s"}},
         {"KV": {"Verb": "set", "Key": "fleet/global/tv_api/port", "Value": "%s", "Flags": 7}}]"""
        .formatted(b64("8080"), b64("9090")));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("Errors").isNull()).as(reply.body()).isTrue();
    assertThat(body.get("Results").findValuesAsText("Key")).containsExactly("config/app1/port", "fleet/global/tv_api/port");
    long index0 = body.get("Results").get(0).get("KV").get("ModifyIndex").asLong();
    long index1 = body.get("Results").get(1).get("KV").get("ModifyIndex").asLong();
    assertThat(index0).isEqualTo(index1).isEqualTo(revisionBefore + 1);

    assertThat(get("config/app1/port").getDecodedValue(UTF_8)).isEqualTo("8080");
    assertThat(get("fleet/global/tv_api/port").getDecodedValue(UTF_8)).isEqualTo("9090");
    assertThat(get("fleet/global/tv_api/port").getFlags()).isEqualTo(7);
    assertThat(server.revision()).isEqualTo(revisionBefore + 1);
    JsonNode changeSet = server.get("/api/v1/history?limit=1").json().get("changeSets").get(0);
    assertThat(changeSet.get("changes").findValuesAsText("key"))
        .containsExactlyInAnyOrder("plain/config/app1/port", "global/tv_api/port");
  }

  @Test
  void aTransactionWithAFailedCheckChangesNothing() {
    set("config/app1/port", "8080");
    long index = get("config/app1/port").getModifyIndex();
    set("config/app1/port", "8081");
    long revisionBefore = server.revision();

    ConsulEndpoint.Reply reply = endpoint.txn("""
        [{"KV": {"Verb": "set", "Key": "config/app1/host", "Value": "%s"}},
         {"KV": {"Verb": "check-index", "Key": "config/app1/port", "Index": %d}},
         {"KV": {"Verb": "set", "Key": "fleet/global/tv_api/port", "Value": "%s"}}]"""
        .formatted(b64("h"), index, b64("9090")));

    assertThat(reply.status()).as(reply.body()).isEqualTo(409);
    JsonNode body = reply.json();
    assertThat(body.get("Results").isNull()).as(reply.body()).isTrue();
    assertThat(body.get("Errors").size()).as(reply.body()).isEqualTo(1);
    assertThat(body.get("Errors").get(0).get("OpIndex").asInt()).isEqualTo(1);
    assertThat(body.get("Errors").get(0).get("What").asText()).isNotBlank();

    assertThat(consul.getKVValue("config/app1/host", token).getValue()).isNull();
    assertThat(consul.getKVValue("fleet/global/tv_api/port", token).getValue()).isNull();
    assertThat(get("config/app1/port").getDecodedValue(UTF_8)).isEqualTo("8081");
    assertThat(server.revision()).isEqualTo(revisionBefore);
  }

  @Test
  void historyShowsConsulWritesAsChangeSetsByTheTokensIdentity() {
    String admin = server.get("/api/v1/whoami").json().get("name").asText();
    set("config/app1/port", "8080");
    set("fleet/global/tv_api/port", "8080");
    set("fleet/global/tv_api/port", "9090");
    consul.deleteKVValue("config/app1/port", token);

    String alice = server.post("/api/v1/tokens",
        "{\"identity\":\"alice\",\"rules\":[\"write fleet/global/*\"]}").json().get("token").asText();
    assertThat(consul.setKVValue("fleet/global/tv_api/host", "tv.example", alice, null).getValue()).isTrue();

    JsonNode changeSets = server.get("/api/v1/history").json().get("changeSets");
    assertThat(changeSets.size()).isEqualTo(5);
    assertThat(changeSets.findValuesAsText("revision")).containsExactly("5", "4", "3", "2", "1");
    assertThat(changeSets.findValuesAsText("author")).containsExactly("alice", admin, admin, admin, admin);
    assertThat(admin).isEqualTo("admin");
    assertThat(changeSets.findValuesAsText("source")).containsOnly("consul");
    assertThat(changeSets.get(0).get("changes").toString()).isEqualTo("[{\"kind\":\"entry\","
        + "\"key\":\"global/tv_api/host\",\"action\":\"create\",\"after\":\"tv.example\"}]");
    assertThat(changeSets.get(2).get("changes").toString()).isEqualTo("[{\"kind\":\"entry\","
        + "\"key\":\"global/tv_api/port\",\"action\":\"update\",\"before\":8080,\"after\":9090}]");
    assertThat(changeSets.get(1).get("changes").get(0).get("key").asText()).isEqualTo("plain/config/app1/port");
    assertThat(changeSets.get(1).get("changes").get(0).get("action").asText()).isEqualTo("delete");
  }
}
