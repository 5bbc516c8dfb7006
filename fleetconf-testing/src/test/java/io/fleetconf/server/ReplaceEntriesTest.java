package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replacing entries through the native API: the merge, the flag's life, history, rollback and restore. */
class ReplaceEntriesTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @BeforeEach
  void device() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/vars/opts", "{\"a\": 1, \"b\": {\"c\": 2}}");
    server.put("/api/v1/entries/global/vars/proxy", "\"http://proxy:3128\"");
  }

  private String config() {
    return server.get("/api/v1/devices/vv-1/config/vars").json().get("config").toString();
  }

  @Test
  void replacingEntryReplacesLowerValueAndKeepsItsNulls() {
    server.put("/api/v1/entries/groups/site/lisbon/vars/opts?replace=true", "{\"b\": {\"d\": null}, \"e\": null}");
    server.put("/api/v1/entries/devices/vv-1/vars/proxy?replace=true", "null");
    assertThat(config()).isEqualTo("{\"opts\":{\"b\":{\"d\":null},\"e\":null},\"proxy\":null}");
    assertThat(server.get("/api/v1/entries/groups/site/lisbon/vars/opts").json().get("replace").asBoolean()).isTrue();
    assertThat(server.get("/api/v1/entries/global/vars/opts").json().has("replace")).isFalse();
    var explained = server.get("/api/v1/devices/vv-1/config/vars?explain=true").json();
    assertThat(explained.toString()).contains("groups/site/lisbon/vars/opts").doesNotContain("global/vars/opts");
  }

  @Test
  void plainPutKeepsTheFlagAndReplaceFalseClearsIt() {
    server.put("/api/v1/entries/groups/site/lisbon/vars/opts?replace=true", "{\"e\": 5}");
    server.put("/api/v1/entries/groups/site/lisbon/vars/opts", "{\"e\": 6}");
    assertThat(config()).isEqualTo("{\"opts\":{\"e\":6},\"proxy\":\"http://proxy:3128\"}");
    server.put("/api/v1/entries/groups/site/lisbon/vars/opts?replace=false", "{\"e\": 6}");
    assertThat(config()).isEqualTo("{\"opts\":{\"a\":1,\"b\":{\"c\":2},\"e\":6},\"proxy\":\"http://proxy:3128\"}");
    assertThat(server.get("/api/v1/entries/groups/site/lisbon/vars/opts").json().has("replace")).isFalse();
  }

  @Test
  void changeSetOperationTakesReplaceAndRefusesANonBoolean() {
    long before = server.revision();
    Reply refused = server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\","
        + " \"key\": \"devices/vv-1/vars/proxy\", \"value\": null, \"replace\": \"yes\"}]}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("operations[0].replace must be true or false");
    assertThat(server.revision()).isEqualTo(before);
    server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\","
        + " \"key\": \"devices/vv-1/vars/proxy\", \"value\": null, \"replace\": true}]}");
    assertThat(config()).isEqualTo("{\"opts\":{\"a\":1,\"b\":{\"c\":2}},\"proxy\":null}");
    var change = server.get("/api/v1/history?limit=1").json().at("/changeSets/0/changes/0");
    assertThat(change.toString()).isEqualTo("{\"kind\":\"entry\",\"key\":\"devices/vv-1/vars/proxy\","
        + "\"action\":\"create\",\"after\":null,\"afterReplace\":true}");
  }

  @Test
  void rollbackAndRestoreBringTheFlagBack() {
    server.put("/api/v1/entries/devices/vv-1/vars/opts?replace=true", "{\"z\": null}");
    long replaced = server.revision();
    server.put("/api/v1/entries/devices/vv-1/vars/opts?replace=false", "{\"y\": 1}");
    server.post("/api/v1/rollback", "{\"revision\": " + server.revision() + "}");
    assertThat(config()).isEqualTo("{\"opts\":{\"z\":null},\"proxy\":\"http://proxy:3128\"}");
    server.put("/api/v1/entries/devices/vv-1/vars/opts?replace=false", "{\"z\": null}");
    assertThat(config()).isEqualTo("{\"opts\":{\"a\":1,\"b\":{\"c\":2}},\"proxy\":\"http://proxy:3128\"}");
    Reply restored = server.post("/api/v1/restore", "{\"prefix\": \"devices/vv-1/vars\", \"revision\": " + replaced + "}");
    assertThat(restored.json().get("changes").asInt()).isEqualTo(1);
    assertThat(config()).isEqualTo("{\"opts\":{\"z\":null},\"proxy\":\"http://proxy:3128\"}");
  }
}
