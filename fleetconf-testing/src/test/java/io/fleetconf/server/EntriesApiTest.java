package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EntriesApiTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void putThenGetOneEntry() {
    Reply put = server.put("/api/v1/entries/global/common/log_level?message=quieter", "\"info\"");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().get("revision").asLong()).isEqualTo(1);
    assertThat(put.header("X-Fleetconf-Revision")).isEqualTo("1");

    Reply get = server.get("/api/v1/entries/global/common/log_level");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().toString()).isEqualTo("{\"key\":\"global/common/log_level\",\"scope\":\"global\","
        + "\"path\":\"common/log_level\",\"value\":\"info\",\"createRevision\":1,\"modRevision\":1,\"version\":1}");
  }

  @Test
  void modifyBumpsVersionAndModifyRevision() {
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    server.put("/api/v1/entries/global/common/dvr_ip", "\"10.0.0.1\"");
    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");
    var entry = server.get("/api/v1/entries/global/common/log_level").json();
    assertThat(entry.get("createRevision").asLong()).isEqualTo(1);
    assertThat(entry.get("modRevision").asLong()).isEqualTo(3);
    assertThat(entry.get("version").asLong()).isEqualTo(2);
  }

  @Test
  void subtreeListsEntriesAtAndBelowAPrefix() {
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    server.put("/api/v1/entries/global/common/dvr_ip", "\"10.0.0.1\"");
    server.put("/api/v1/entries/global/commons/x", "1");
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    Reply list = server.get("/api/v1/entries/global/common?recurse=true");
    assertThat(list.json().get("revision").asLong()).isEqualTo(4);
    assertThat(list.json().get("entries").findValuesAsText("key"))
        .containsExactly("global/common/dvr_ip", "global/common/log_level");
    assertThat(server.get("/api/v1/entries/groups/site/lisbon?recurse=true").json().get("entries").size()).isEqualTo(1);
    assertThat(server.get("/api/v1/entries?recurse=true").json().get("entries").size()).isEqualTo(4);
  }

  @Test
  void yamlBodyIsStoredAsAStructuredValue() {
    String yaml = "timezone: Europe/Lisbon\nrules:\n  - name: news\n    channel: 1\n";
    Reply put = server.send("PUT", "/api/v1/entries/global/tv_scheduler",
        yaml.getBytes(StandardCharsets.UTF_8), "application/yaml", "Bearer " + server.token());
    assertThat(put.status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/global/tv_scheduler").json().get("value").toString())
        .isEqualTo("{\"timezone\":\"Europe/Lisbon\",\"rules\":[{\"name\":\"news\",\"channel\":1}]}");
  }

  @Test
  void plainTextBodyIsStoredAsAString() {
    server.send("PUT", "/api/v1/entries/global/tv_api/banner", "line one\nline \"two\"".getBytes(StandardCharsets.UTF_8),
        "text/plain", "Bearer " + server.token());
    assertThat(server.get("/api/v1/entries/global/tv_api/banner").json().get("value").asText())
        .isEqualTo("line one\nline \"two\"");
  }

  @Test
  void compareAndSetGuardsConcurrentEdits() {
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    Reply stale = server.put("/api/v1/entries/global/common/log_level?cas=7", "\"debug\"");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("message").asText())
        .isEqualTo("key 'global/common/log_level' was modified at revision 1, expected 7");
    assertThat(server.put("/api/v1/entries/global/common/log_level?cas=1", "\"debug\"").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/global/common/new_key?cas=0", "1").status()).isEqualTo(200);
  }

  @Test
  void deleteOneEntryAndASubtree() {
    server.put("/api/v1/entries/global/common/a", "1");
    server.put("/api/v1/entries/global/common/b", "2");
    server.put("/api/v1/entries/global/orchestrator/fps", "10");
    Reply one = server.delete("/api/v1/entries/global/common/a");
    assertThat(one.json().toString()).isEqualTo("{\"revision\":4,\"deleted\":1}");
    assertThat(server.get("/api/v1/entries/global/common/a").status()).isEqualTo(404);
    Reply tree = server.delete("/api/v1/entries/global?recurse=true");
    assertThat(tree.json().toString()).isEqualTo("{\"revision\":5,\"deleted\":2}");
    assertThat(server.get("/api/v1/entries?recurse=true").json().get("entries").size()).isZero();
  }

  @Test
  void deletingAnEmptySubtreeRecordsNothing() {
    server.put("/api/v1/entries/global/common/a", "1");
    Reply none = server.delete("/api/v1/entries/global/nothing?recurse=true");
    assertThat(none.json().toString()).isEqualTo("{\"revision\":1,\"deleted\":0}");
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void batchChangeSetIsAtomicWithMessageAndCas() {
    server.put("/api/v1/entries/global/common/a", "1");
    Reply ok = server.post("/api/v1/changes", """
        {"message": "move dvr", "operations": [
          {"op": "put", "key": "global/common/dvr_ip", "value": "10.0.0.9"},
          {"op": "put", "key": "global/common/a", "value": 2, "cas": 1},
          {"op": "delete-tree", "key": "global/orchestrator"}]}""");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().toString()).isEqualTo("{\"revision\":2,\"changes\":2}");
    var changeSet = server.get("/api/v1/changes/2").json();
    assertThat(changeSet.get("message").asText()).isEqualTo("move dvr");
    assertThat(changeSet.get("author").asText()).isEqualTo("admin");
    assertThat(changeSet.get("source").asText()).isEqualTo("api");

    Reply failed = server.post("/api/v1/changes", """
        {"operations": [
          {"op": "put", "key": "global/common/b", "value": 1},
          {"op": "put", "key": "global/common/a", "value": 3, "cas": 1}]}""");
    assertThat(failed.status()).isEqualTo(409);
    assertThat(server.get("/api/v1/entries/global/common/b").status()).isEqualTo(404);
    assertThat(server.revision()).isEqualTo(2);
  }

  @Test
  void devicesAndTheirEntriesAreOneAtomicChangeSet() {
    server.post("/api/v1/devices", "{\"id\": \"old\", \"groups\": [\"site/a\"], \"labels\": {\"rack\": \"b2\"}}");
    server.put("/api/v1/entries/devices/old/common/x", "1");
    Reply ok = server.post("/api/v1/changes", """
        {"message": "import", "operations": [
          {"op": "create-device", "id": "web1", "groups": ["ansible/all", "ansible/web"], "labels": {"src": "x"}},
          {"op": "put", "key": "devices/web1/vars/port", "value": 80},
          {"op": "update-device", "id": "old", "groups": ["site/b"]},
          {"op": "delete-device", "id": "old"},
          {"op": "create-device", "id": "old"}]}""");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().toString()).isEqualTo("{\"revision\":3,\"changes\":4}");
    assertThat(server.get("/api/v1/devices/web1").json().toString()).isEqualTo(
        "{\"id\":\"web1\",\"groups\":[\"ansible/all\",\"ansible/web\"],\"labels\":{\"src\":\"x\"}}");
    assertThat(server.get("/api/v1/devices/old").json().toString())
        .isEqualTo("{\"id\":\"old\",\"groups\":[],\"labels\":{}}");
    assertThat(server.get("/api/v1/entries/devices/old/common/x").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/devices/web1/config/vars").json().get("config").toString()).isEqualTo("{\"port\":80}");

    Reply failed = server.post("/api/v1/changes", """
        {"operations": [
          {"op": "create-device", "id": "web2"},
          {"op": "put", "key": "devices/web2/vars/port", "value": 80},
          {"op": "create-device", "id": "web1"}]}""");
    assertThat(failed.status()).isEqualTo(409);
    assertThat(failed.json().get("message").asText()).isEqualTo("device 'web1' already exists");
    assertThat(server.get("/api/v1/devices/web2").status()).isEqualTo(404);
    assertThat(server.revision()).isEqualTo(3);

    Reply unknown = server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"update-device\", \"id\": \"nope\"}]}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("message").asText()).isEqualTo("device 'nope' is not registered");
  }

  @Test
  void aDeviceOperationInAChangeSetNeedsWriteDevices() {
    String writer = server.post("/api/v1/tokens", "{\"identity\": \"kv\", \"rules\": [\"write fleet/*\"]}")
        .json().get("token").asText();
    Reply refused = server.send("POST", "/api/v1/changes", """
        {"operations": [{"op": "put", "key": "global/vars/a", "value": 1},
                        {"op": "create-device", "id": "web1"}]}""".getBytes(StandardCharsets.UTF_8),
        "application/json", "Bearer " + writer);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText()).endsWith("may not write device web1");
    assertThat(server.revision()).isZero();
  }

  @Test
  void headAndUnknownMethodsAreHandled() {
    assertThat(server.send("POST", "/api/v1/entries/global/common/a", "1", "application/json").status())
        .isEqualTo(405);
  }
}
