package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Consul's {@code /v1/txn}: one atomic change set, checks inside the commit, Consul's result and error shapes. */
class ConsulTxnTest extends ConsulTestSupport {
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

  private static String sets(int count) {
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      ops.append(i == 0 ? "" : ",").append("{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/k").append(i)
          .append("\",\"Value\":\"").append(b64("v")).append("\"}}");
    }
    return ops.append("]").toString();
  }

  @Test
  void moreThan128OperationsAreRefusedInConsulsWords() {
    Answer answer = txn(sets(129));
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.json().get("message").asText()).isEqualTo("Transaction contains too many operations (129 > 128)");
    assertThat(server.revision()).isZero();
  }

  @Test
  void exactly128OperationsAreOneChangeSetAsInConsul114() {
    assertThat(txn(sets(128)).status()).isEqualTo(200);
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/?keys").json().size()).isEqualTo(128);
  }

  @Test
  void lowerCaseFieldNamesAreAcceptedAsKiwiprojectConsulClientSendsThem() {
    // The exact shape kiwiproject (orbitz) consul-client's performTransaction sends.
    Answer set = txn("[{\"kv\":{\"verb\":\"set\",\"key\":\"config/a\",\"value\":\"" + b64("x")
        + "\",\"flags\":7}},{\"kv\":{\"verb\":\"get\",\"key\":\"config/a\"}}]");
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    JsonNode read = set.json().get("Results").get(1).get("KV");
    assertThat(read.get("Value").asText()).isEqualTo(b64("x"));
    assertThat(read.get("Flags").asLong()).isEqualTo(7);
    Answer cas = txn("[{\"Kv\":{\"VERB\":\"cas\",\"KEY\":\"config/a\",\"VALUE\":\"" + b64("y")
        + "\",\"INDEX\":1}}]");
    assertThat(cas.status()).as(cas.text()).isEqualTo(200);
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("y");
    Answer check = txn("[{\"kV\":{\"vErB\":\"check-index\",\"kEy\":\"config/a\",\"iNdEx\":2}}]");
    assertThat(check.status()).as(check.text()).isEqualTo(200);
  }

  @Test
  void ofTwoFieldsThatDifferOnlyInCaseTheLastWinsAsInGo() {
    Answer answer = txn("[{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/first\",\"key\":\"config/last\",\"Value\":\""
        + b64("x") + "\"}}]");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(get("/v1/kv/config/?keys").json().toString()).isEqualTo("[\"config/last\"]");
  }

  @Test
  void lowerCaseNodeOperationIsRefusedLikeTheUpperCaseOne() {
    Answer answer = txn("[{\"node\": {\"verb\": \"set\", \"node\": {\"node\": \"n1\"}}}]");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).isEqualTo("operation 0 must be {\"KV\": {...}}: fleetconf's"
        + " transactions hold KV operations only (Node, Service and Check operations are not supported)");
    assertThat(txn("[{\"kv\": {\"verb\": \"lock\", \"key\": \"config/l\", \"session\": \"abc\"}}]").status())
        .isEqualTo(400);
    assertThat(server.revision()).isZero();
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
}
