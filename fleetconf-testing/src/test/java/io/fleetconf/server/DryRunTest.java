package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ?dry_run=true} on every native write: the exact per-device impact, grouped where devices
 * change alike, refused as the write would be, and nothing written (the revision stays).
 */
class DryRunTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-3\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/groups/site/porto/tv_api/port", "9090");
    server.put("/api/v1/entries/devices/cam-2/tv_api/fps", "10");
  }

  @Test
  void aGlobalChangeListsTheDevicesItReachesGroupedByIdenticalDiffAndWritesNothing() {
    long before = revision();
    Reply preview = server.put("/api/v1/entries/global/tv_api/port?dry_run=true&message=bump", "8081");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json().get("devices").asInt()).isEqualTo(2); // cam-3 keeps porto's 9090
    assertThat(preview.json().get("impact").toString()).isEqualTo("[{\"kind\":\"changed\",\"devices\":[\"cam-1\","
        + "\"cam-2\"],\"differences\":[{\"path\":\"tv_api/port\",\"action\":\"update\",\"from\":8080,\"to\":8081}]}]");
    assertThat(preview.json().at("/changeSet/revision").asLong()).isEqualTo(before + 1);
    assertThat(preview.json().at("/changeSet/message").asText()).isEqualTo("bump");
    assertThat(revision()).as("nothing written").isEqualTo(before);
    assertThat(server.get("/api/v1/entries/global/tv_api/port").json().get("value").asInt()).isEqualTo(8080);
    assertThat(server.get("/api/v1/history?limit=100").json().get("changeSets").size()).isEqualTo((int) before);
  }

  @Test
  void aChangeSetPreviewShowsDifferentDiffsForDifferentDevices() {
    Reply preview = server.post("/api/v1/changes?dry_run=true", "{\"operations\": ["
        + "{\"op\": \"delete\", \"key\": \"groups/site/porto/tv_api/port\"},"
        + "{\"op\": \"put\", \"key\": \"devices/cam-2/tv_api/fps\", \"value\": 12}]}");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json().get("impact").toString()).isEqualTo("["
        + "{\"kind\":\"changed\",\"devices\":[\"cam-2\"],\"differences\":[{\"path\":\"tv_api/fps\",\"action\":\"update\","
        + "\"from\":10,\"to\":12}]},"
        + "{\"kind\":\"changed\",\"devices\":[\"cam-3\"],\"differences\":[{\"path\":\"tv_api/port\",\"action\":\"update\","
        + "\"from\":9090,\"to\":8080}]}]");
  }

  @Test
  void devicesMovedBetweenGroupsAddedAndRemovedShowTheirWholeChange() {
    long before = revision();
    Reply moved = server.patch("/api/v1/devices/cam-1?dry_run=true", "{\"groups\": [\"site/porto\"]}");
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    assertThat(moved.json().get("impact").toString()).isEqualTo("[{\"kind\":\"changed\",\"devices\":[\"cam-1\"],"
        + "\"differences\":[{\"path\":\"tv_api/port\",\"action\":\"update\",\"from\":8080,\"to\":9090}]}]");
    Reply added = server.post("/api/v1/devices?dry_run=true", "{\"id\": \"cam-4\", \"groups\": [\"site/porto\"]}");
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(added.json().get("impact").toString()).isEqualTo("[{\"kind\":\"added\",\"devices\":[\"cam-4\"],"
        + "\"differences\":[{\"path\":\"tv_api/port\",\"action\":\"create\",\"to\":9090}]}]");
    Reply removed = server.delete("/api/v1/devices/cam-2?dry_run=true");
    assertThat(removed.json().get("impact").toString()).isEqualTo("[{\"kind\":\"removed\",\"devices\":[\"cam-2\"],"
        + "\"differences\":[{\"path\":\"tv_api/fps\",\"action\":\"delete\",\"from\":10},"
        + "{\"path\":\"tv_api/port\",\"action\":\"delete\",\"from\":8080}]}]");
    assertThat(revision()).isEqualTo(before);
    assertThat(server.get("/api/v1/devices/cam-4").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/devices/cam-2").status()).isEqualTo(200);
  }

  @Test
  void aDryRunIsRefusedAsTheWriteWouldBe() {
    long before = revision();
    Reply conflict = server.put("/api/v1/entries/global/tv_api/port?dry_run=true&cas=1", "1");
    assertThat(conflict.status()).isEqualTo(409);
    Reply missing = server.delete("/api/v1/entries/global/tv_api/nothing?dry_run=true");
    assertThat(missing.status()).isEqualTo(404);
    Reply badFlag = server.put("/api/v1/entries/global/tv_api/port?dry_run=maybe", "1");
    assertThat(badFlag.status()).isEqualTo(400);
    assertThat(badFlag.json().get("message").asText()).contains("dry_run");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void rollbackAndRestoreDryRunsShowWhatTheyWouldUndo() {
    long before = revision();
    Reply rollback = server.post("/api/v1/rollback?dry_run=true", "{\"revision\": " + before + "}");
    assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
    assertThat(rollback.json().get("impact").toString()).isEqualTo("[{\"kind\":\"changed\",\"devices\":[\"cam-2\"],"
        + "\"differences\":[{\"path\":\"tv_api/fps\",\"action\":\"delete\",\"from\":10}]}]");
    Reply restore = server.post("/api/v1/restore?dry_run=true", "{\"prefix\": \"global\", \"revision\": 3}");
    assertThat(restore.status()).as(restore.body()).isEqualTo(200);
    assertThat(restore.json().get("impact").toString()).isEqualTo("[{\"kind\":\"changed\",\"devices\":[\"cam-1\","
        + "\"cam-2\"],\"differences\":[{\"path\":\"tv_api/port\",\"action\":\"delete\",\"from\":8080}]}]");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void secretsAreMaskedAndUnreadableKeysHiddenInTheImpact() {
    server.put("/api/v1/entries/groups/site/lisbon/dvr/password?secret=true", "\"s3cret-old\"");
    String writer = server.post("/api/v1/tokens", "{\"identity\": \"ops\", \"rules\": [\"write fleet/groups/*\","
        + " \"read devices\"]}").json().get("token").asText();
    Reply preview = server.send("PUT", "/api/v1/entries/groups/site/lisbon/dvr/password?dry_run=true",
        "\"s3cret-new\"".getBytes(StandardCharsets.UTF_8), "application/json", "Bearer " + writer);
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.body()).doesNotContain("s3cret");
    assertThat(preview.json().get("impact").toString()).isEqualTo("[{\"kind\":\"changed\",\"devices\":[\"cam-1\","
        + "\"cam-2\"],\"differences\":[{\"path\":\"dvr/password\",\"action\":\"update\",\"from\":\"********\","
        + "\"to\":\"********\"}]}]");
  }

  private long revision() {
    return server.get("/api/v1/health").json().get("revision").asLong();
  }
}
