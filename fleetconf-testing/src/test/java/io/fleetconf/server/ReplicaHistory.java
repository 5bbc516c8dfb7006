package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replica's history as the replica tests compare it: by revision, what each one-change change set
 * did, in the words {@code "put <key> = <value>"} or {@code "<action> device <id>"}.
 */
final class ReplicaHistory {
  private ReplicaHistory() {}

  static Map<Long, String> of(TestServer replica) {
    Reply reply = replica.get("/api/v1/history?limit=1000");
    assertThat(reply.status()).as("answer %s", reply.body()).isEqualTo(200);
    Map<Long, String> history = new TreeMap<>();
    for (JsonNode changeSet : reply.json().get("changeSets")) {
      assertThat(changeSet.get("changes")).hasSize(1);
      JsonNode change = changeSet.get("changes").get(0);
      String what = change.get("kind").asText().equals("device")
          ? change.get("action").asText() + " device " + change.get("device").asText()
          : "put " + change.get("key").asText() + " = " + change.get("after").asText();
      assertThat(history.put(changeSet.get("revision").asLong(), what)).as("revision listed twice").isNull();
    }
    return history;
  }
}
