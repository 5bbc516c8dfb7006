package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Consul key names one entry: a plain key that would read as a layered one (under the Consul
 * root, or under {@code fleet}, which ACL rules use for layered keys) is refused on every write path
 * and left out of the Consul view (issue 14, item 4).
 */
class ConsulKeySpaceTest extends ConsulTestSupport {
  private static final String SHADOW = "plain key 'fleet/groups/site/lisbon/common/dvr_ip' is refused: a plain key"
      + " may not start with 'fleet/', which names the layered keys in the Consul API and in ACL rules; the layered"
      + " key is written 'groups/site/lisbon/common/dvr_ip'";

  @Test
  void plainKeyUnderTheRootIsRefusedByTheNativeApiAndTheConsulViewShowsOneEntry() {
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.0.0.7\"");
    TestServer.Reply refused = server.put("/api/v1/entries/plain/fleet/groups/site/lisbon/common/dvr_ip",
        "\"10.6.6.6\"");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText()).isEqualTo("invalid_key");
    assertThat(refused.json().get("message").asText()).isEqualTo(SHADOW);
    assertThat(server.revision()).isEqualTo(1);
    Answer tree = get("/v1/kv/fleet/groups/site/lisbon/common/?recurse");
    assertThat(tree.json().findValuesAsText("Key")).containsExactly("fleet/groups/site/lisbon/common/dvr_ip");
    assertThat(text(java.util.Base64.getDecoder().decode(tree.json().get(0).get("Value").asText())))
        .isEqualTo("10.0.0.7");
  }

  /** The native scope {@code plain} is no scope under the root: {@code fleet/plain/x} read, wrote and deleted {@code x}. */
  @Test
  void consulKeyFleetPlainIsRefusedAndNeverActsOnThePlainKeyItsPathNames() {
    assertTrueAnswer(put("/v1/kv/config/app/db", "orig"));
    String refusal = "unknown scope 'plain' in 'fleet/plain/config/app/db': under 'fleet/' the scope is defaults,"
        + " global, groups/<kind>/<name> or devices/<id>; a plain key is written without 'fleet/'";
    for (Answer answer : java.util.List.of(put("/v1/kv/fleet/plain/config/app/db", "clobbered"),
        get("/v1/kv/fleet/plain/config/app/db?raw"), delete("/v1/kv/fleet/plain/config/app/db"),
        txn("[{\"KV\":{\"Verb\":\"set\",\"Key\":\"fleet/plain/config/app/db\",\"Value\":\"" + b64("txn") + "\"}}]"))) {
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.text()).contains(refusal);
    }
    assertThat(get("/v1/kv/config/app/db?raw").text()).isEqualTo("orig");
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void plainKeyUnderTheRootIsRefusedInAChangeSetWhichChangesNothing() {
    TestServer.Reply refused = server.post("/api/v1/changes", "{\"operations\":["
        + "{\"op\":\"put\",\"key\":\"global/common/ntp\",\"value\":\"pool\"},"
        + "{\"op\":\"put\",\"key\":\"plain/fleet/groups/site/lisbon/common/dvr_ip\",\"value\":\"10.6.6.6\"}]}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo(SHADOW);
    assertThat(server.revision()).isZero();
  }

  @Test
  void withAnotherRootBothItAndFleetAreReservedForLayeredKeys(@TempDir Path dir) {
    try (TestServer vv = TestServer.on(dir).withConsulRoot("vv_ai").startNow()) {
      TestServer.Reply underRoot = vv.put("/api/v1/entries/plain/vv_ai/global/tv/port", "1");
      assertThat(underRoot.status()).isEqualTo(400);
      assertThat(underRoot.json().get("message").asText()).isEqualTo("plain key 'vv_ai/global/tv/port' is refused:"
          + " a plain key may not start with 'vv_ai/', which names the layered keys in the Consul API and in ACL"
          + " rules; the layered key is written 'global/tv/port'");
      TestServer.Reply underFleet = vv.put("/api/v1/entries/plain/fleet/x", "1");
      assertThat(underFleet.status()).isEqualTo(400);
      assertThat(underFleet.json().get("message").asText()).isEqualTo("plain key 'fleet/x' is refused: a plain key"
          + " may not start with 'fleet/', which names the layered keys in the Consul API and in ACL rules");
      assertThat(vv.put("/api/v1/entries/plain/vv_aix/y", "1").status()).isEqualTo(200);
      assertThat(vv.revision()).isEqualTo(1);
    }
  }

  @Test
  void recursiveDeleteUnderAnotherRootIsAuthorisedByTheRulesForFleet(@TempDir Path dir) {
    try (TestServer vv = TestServer.on(dir).withConsulRoot("vv_ai").startNow()) {
      assertThat(vv.put("/api/v1/entries/global/tv/port", "8080").status()).isEqualTo(200);
      TestServer.Reply made = vv.post("/api/v1/tokens", "{\"identity\":\"global-ops\",\"rules\":[\"write fleet/global/*\"]}");
      String token = made.json().get("token").asText();
      Answer wide = call(vv, "DELETE", "/v1/kv/vv_ai/?recurse", null, "X-Consul-Token", token);
      assertThat(wide.status()).isEqualTo(403);
      assertThat(wide.json().get("message").asText()).isEqualTo("token 'global-ops' (" + made.json().get("id").asText()
          + ") may not write everything under 'vv_ai/'");
      assertTrueAnswer(call(vv, "DELETE", "/v1/kv/vv_ai/global/?recurse", null, "X-Consul-Token", token));
      assertThat(vv.get("/api/v1/entries/global/tv/port").status()).isEqualTo(404);
    }
  }

  @Test
  void keyThatBecameShadowingWhenTheRootChangedIsLeftOutOfTheViewAndNeverWrittenAgain(@TempDir Path dir) {
    String admin;
    try (TestServer before = TestServer.on(dir).startNow()) {
      admin = before.token();
      assertThat(before.put("/api/v1/entries/plain/vv_ai/global/tv/port", "\"1\"").status()).isEqualTo(200);
      assertThat(before.put("/api/v1/entries/global/tv/port", "8080").status()).isEqualTo(200);
    }
    try (TestServer after = TestServer.on(dir).withConsulRoot("vv_ai").withToken(admin).startNow()) {
      Answer tree = call(after, "GET", "/v1/kv/vv_ai/global/?recurse", null, "X-Consul-Token", admin);
      assertThat(tree.json().findValuesAsText("Key")).containsExactly("vv_ai/global/tv/port");
      assertThat(call(after, "GET", "/v1/kv/?keys", null, "X-Consul-Token", admin).json().toString())
          .isEqualTo("[\"vv_ai/global/tv/port\"]");
      Answer getTree = call(after, "PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"get-tree\",\"Key\":\"vv_ai/\"}}]"
          .getBytes(UTF_8), "X-Consul-Token", admin);
      assertThat(getTree.json().get("Results").size()).isEqualTo(1);

      assertThat(after.delete("/api/v1/entries/plain/vv_ai/global/tv/port").status()).isEqualTo(200);
      String refused = "plain key 'vv_ai/global/tv/port' is refused: a plain key may not start with 'vv_ai/', which"
          + " names the layered keys in the Consul API and in ACL rules; the layered key is written 'global/tv/port'";
      TestServer.Reply rollback = after.post("/api/v1/rollback", "{\"revision\": 3}");
      assertThat(rollback.status()).isEqualTo(400);
      assertThat(rollback.json().get("message").asText()).isEqualTo(refused);
      TestServer.Reply restore = after.post("/api/v1/restore", "{\"prefix\": \"plain\", \"revision\": 2}");
      assertThat(restore.status()).isEqualTo(400);
      assertThat(restore.json().get("message").asText()).isEqualTo(refused);
      assertThat(after.revision()).isEqualTo(3);
    }
  }
}
