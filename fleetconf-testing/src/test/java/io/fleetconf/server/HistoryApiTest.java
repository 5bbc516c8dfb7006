package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HistoryApiTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void historyPerKeyAndPrefixNewestFirst() {
    server.put("/api/v1/entries/global/common/log_level?message=first", "\"info\"");
    server.put("/api/v1/entries/global/orchestrator/fps", "10");
    server.put("/api/v1/entries/global/common/log_level?message=louder", "\"debug\"");
    var history = server.get("/api/v1/history?prefix=global/common/log_level").json();
    assertThat(history.get("changeSets").findValuesAsText("message")).containsExactly("louder", "first");
    var last = history.get("changeSets").get(0);
    assertThat(last.get("changes").toString()).isEqualTo("[{\"kind\":\"entry\",\"key\":\"global/common/log_level\","
        + "\"action\":\"update\",\"before\":\"info\",\"after\":\"debug\"}]");
    assertThat(server.get("/api/v1/history?limit=1").json().get("changeSets").get(0).get("revision").asLong())
        .isEqualTo(3);
    assertThat(server.get("/api/v1/history?prefix=global").json().get("changeSets").size()).isEqualTo(3);
  }

  @Test
  void changeFeedListsChangeSetsAfterARevisionOldestFirst() {
    server.put("/api/v1/entries/global/common/a", "1");
    server.put("/api/v1/entries/global/common/a", "2");
    server.put("/api/v1/entries/global/common/a", "3");
    var feed = server.get("/api/v1/changes?since=1").json();
    assertThat(feed.get("revision").asLong()).isEqualTo(3);
    assertThat(feed.get("changeSets").findValuesAsText("revision")).containsExactly("2", "3");
    assertThat(feed.get("changeSets").get(0).get("changes").get(0).get("after").asInt()).isEqualTo(2);
    assertThat(server.get("/api/v1/changes?since=1&limit=1").json().get("changeSets").size()).isEqualTo(1);
    assertThat(server.get("/api/v1/changes?since=3").json().get("changeSets").size()).isZero();
  }

  @Test
  void rawDiffBetweenTwoRevisions() {
    server.put("/api/v1/entries/global/common/a", "1");
    server.put("/api/v1/entries/global/common/b", "1");
    server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\", \"key\": \"global/common/a\", \"value\": 2},"
        + "{\"op\": \"delete\", \"key\": \"global/common/b\"}, {\"op\": \"put\", \"key\": \"global/common/c\", \"value\": 3}]}");
    var diff = server.get("/api/v1/diff?from=2&to=3").json();
    assertThat(diff.get("differences").toString()).isEqualTo("["
        + "{\"key\":\"global/common/a\",\"action\":\"update\",\"from\":1,\"to\":2},"
        + "{\"key\":\"global/common/b\",\"action\":\"delete\",\"from\":1},"
        + "{\"key\":\"global/common/c\",\"action\":\"create\",\"to\":3}]");
  }

  @Test
  void effectiveDiffForADevice() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common/dvr_ip", "\"10.0.0.1\"");
    server.put("/api/v1/entries/groups/site/porto/common/dvr_ip", "\"10.2.0.1\"");
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    var diff = server.get("/api/v1/diff?from=2&to=4&device=vv-1").json();
    assertThat(diff.get("differences").toString())
        .isEqualTo("[{\"path\":\"common/dvr_ip\",\"action\":\"update\",\"from\":\"10.0.0.1\",\"to\":\"10.1.0.1\"}]");
    assertThat(server.get("/api/v1/diff?from=2&to=3&device=vv-1").json().get("differences").size()).isZero();
  }

  @Test
  void rollbackUndoesAChangeSetAsANewOne() {
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    server.post("/api/v1/changes", "{\"message\": \"bad idea\", \"operations\": ["
        + "{\"op\": \"put\", \"key\": \"global/common/log_level\", \"value\": \"trace\"},"
        + "{\"op\": \"put\", \"key\": \"global/common/spam\", \"value\": true}]}");
    Reply rolled = server.post("/api/v1/rollback", "{\"revision\": 2}");
    assertThat(rolled.json().toString()).isEqualTo("{\"revision\":3,\"changes\":2}");
    assertThat(server.get("/api/v1/entries/global/common/log_level").json().get("value").asText()).isEqualTo("info");
    assertThat(server.get("/api/v1/entries/global/common/spam").status()).isEqualTo(404);
    var changeSet = server.get("/api/v1/changes/3").json();
    assertThat(changeSet.get("source").asText()).isEqualTo("rollback of 2");
    assertThat(changeSet.get("message").asText()).isEqualTo("roll back revision 2");
  }

  @Test
  void rollbackRefusesWhenKeysChangedSinceUnlessForced() {
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");
    server.put("/api/v1/entries/global/common/log_level", "\"error\"");
    Reply refused = server.post("/api/v1/rollback", "{\"revision\": 2}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText()).isEqualTo(
        "cannot roll back revision 2: changed since: global/common/log_level; pass force=true to roll back anyway");
    assertThat(server.revision()).isEqualTo(3);
    assertThat(server.post("/api/v1/rollback", "{\"revision\": 2, \"force\": true}").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/global/common/log_level").json().get("value").asText()).isEqualTo("info");
  }

  @Test
  void rollbackOfADeviceRemovalBringsItAndItsEntriesBack() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    server.delete("/api/v1/devices/vv-1");
    assertThat(server.post("/api/v1/rollback", "{\"revision\": 3}").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/devices/vv-1").json().get("groups").toString()).isEqualTo("[\"site/lisbon\"]");
    assertThat(server.get("/api/v1/entries/devices/vv-1/common/log_level").json().get("value").asText())
        .isEqualTo("debug");
  }

  @Test
  void restoreASubtreeToARevision() {
    server.put("/api/v1/entries/global/tv_scheduler", "{\"volume\": 40, \"channel\": 1}");
    server.put("/api/v1/entries/global/tv_scheduler/volume", "60");
    server.put("/api/v1/entries/global/tv_scheduler", "{\"volume\": 10}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    Reply restored = server.post("/api/v1/restore", "{\"prefix\": \"global/tv_scheduler\", \"revision\": 2}");
    assertThat(restored.json().toString()).isEqualTo("{\"revision\":5,\"changes\":1}");
    assertThat(server.get("/api/v1/entries/global/tv_scheduler?recurse=true").json().get("entries").toString())
        .contains("{\"volume\":40,\"channel\":1}").contains("global/tv_scheduler/volume");
    assertThat(server.get("/api/v1/entries/global/common/log_level").status()).isEqualTo(200);
    Reply again = server.post("/api/v1/restore", "{\"prefix\": \"global/tv_scheduler\", \"revision\": 2}");
    assertThat(again.json().toString()).isEqualTo("{\"revision\":5,\"changes\":0}");
  }

  @Test
  void restoreToRevisionZeroEmptiesTheSubtree() {
    server.put("/api/v1/entries/global/common/a", "1");
    server.put("/api/v1/entries/global/common/b", "2");
    assertThat(server.post("/api/v1/restore", "{\"prefix\": \"global/common\", \"revision\": 0}").json()
        .get("changes").asInt()).isEqualTo(2);
    assertThat(server.get("/api/v1/entries/global?recurse=true").json().get("entries").size()).isZero();
  }
}
