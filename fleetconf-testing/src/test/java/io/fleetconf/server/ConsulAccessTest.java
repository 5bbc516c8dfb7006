package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may use the Consul API and how (tokens in Consul's three forms, ACL rules, devices refused), the status and agent endpoints, sessions refused, secrets masked. */
class ConsulAccessTest extends ConsulTestSupport {
  // ---------------------------------------------------------------- tokens

  @Test
  void tokenInConsulsHeaderInTheQueryOrAsABearerAllWork() {
    put("/v1/kv/config/a", "x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "X-Consul-Token", server.token()).text()).isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw&token=" + server.token(), null).text()).isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "Authorization", "Bearer " + server.token()).text())
        .isEqualTo("x");
    assertThat(call("GET", "/v1/kv/config/a?raw", null).status()).isEqualTo(403); // Consul's "ACL not found"
  }

  @Test
  void tokenInTheQueryCountsOnlyOnTheConsulApi() {
    assertThat(call("GET", "/api/v1/entries?recurse=true&token=" + server.token(), null).status()).isEqualTo(401);
  }

  @Test
  void badTokenIs403AsInConsulAndChangesNothing() {
    put("/v1/kv/config/a", "x");
    Answer header = call("PUT", "/v1/kv/config/a", "evil".getBytes(UTF_8), "X-Consul-Token", "not-a-token");
    Answer query = call("PUT", "/v1/kv/config/a?token=not-a-token", "evil".getBytes(UTF_8));
    Answer bearer = call("PUT", "/v1/kv/config/a", "evil".getBytes(UTF_8), "Authorization", "Bearer not-a-token");
    Answer txn = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"config/a\",\"Value\":\"ZQ==\"}}]"
        .getBytes(UTF_8), "X-Consul-Token", "not-a-token");
    for (Answer refused : List.of(header, query, bearer, txn)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().get("error").asText()).isEqualTo("acl_not_found");
      assertThat(refused.json().get("message").asText()).isEqualTo("ACL not found: the bearer token is not valid");
    }
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("x");
  }

  @Test
  void readOnlyTokenReadsButMayNotWrite() {
    put("/v1/kv/config/a", "x");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    assertThat(call("GET", "/v1/kv/config/a?raw", null, "X-Consul-Token", reader).text()).isEqualTo("x");
    Answer write = call("PUT", "/v1/kv/config/a", "y".getBytes(UTF_8), "X-Consul-Token", reader);
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(call("DELETE", "/v1/kv/config/a", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(call("DELETE", "/v1/kv/config/?recurse", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(server.revision()).isEqualTo(1);
    assertThat(get("/v1/kv/config/a?raw").text()).isEqualTo("x");
  }

  @Test
  void readOnlyTokenSeesOnlyItsKeysInAList() {
    put("/v1/kv/config/a", "x");
    put("/v1/kv/other/b", "x");
    put("/v1/kv/" + PORT_KEY, "8080");
    String reader = token("{\"identity\":\"reader\",\"rules\":[\"read config/*\"]}");
    assertThat(call("GET", "/v1/kv/?recurse", null, "X-Consul-Token", reader).json().findValuesAsText("Key"))
        .containsExactly("config/a");
    assertThat(call("GET", "/v1/kv/?keys", null, "X-Consul-Token", reader).json().toString())
        .isEqualTo("[\"config/a\"]");
    assertThat(call("GET", "/v1/kv/other/b", null, "X-Consul-Token", reader).status()).isEqualTo(403);
    assertThat(call("GET", "/v1/kv/other/?recurse", null, "X-Consul-Token", reader).status()).isEqualTo(404);
  }

  @Test
  void groupTokenWritesOnlyItsGroup() {
    String lisbon = token("{\"identity\":\"lisbon-ops\",\"rules\":[\"write fleet/groups/site/lisbon/*\"]}");
    assertTrueAnswer(call("PUT", "/v1/kv/fleet/groups/site/lisbon/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon));
    assertThat(call("PUT", "/v1/kv/fleet/groups/site/porto/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon).status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/kv/fleet/global/common/ntp", "a".getBytes(UTF_8),
        "X-Consul-Token", lisbon).status()).isEqualTo(403);
    assertThat(server.revision()).isEqualTo(1);
  }

  @Test
  void deviceTokenIsForbiddenOnTheKvApi() {
    device("cam-1", "site/lisbon");
    put("/v1/kv/fleet/devices/cam-1/dvr/ip", "10.0.0.7");
    String device = token("{\"kind\":\"device\",\"device\":\"cam-1\"}");
    assertThat(call("GET", "/v1/kv/fleet/devices/cam-1/dvr/ip", null, "X-Consul-Token", device).status())
        .isEqualTo(403);
    assertThat(call("GET", "/v1/kv/?recurse", null, "X-Consul-Token", device).status()).isEqualTo(403);
    assertThat(call("GET", "/v1/kv/?keys", null, "X-Consul-Token", device).status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/kv/fleet/devices/cam-1/dvr/ip", "x".getBytes(UTF_8), "X-Consul-Token", device)
        .status()).isEqualTo(403);
    assertThat(call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"get-tree\",\"Key\":\"\"}}]".getBytes(UTF_8),
        "X-Consul-Token", device).status()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- anonymous callers

  @Test
  void withoutATokenTheConsulApiAnswers403NamingXConsulToken() {
    put("/v1/kv/config/a", "x");
    Answer read = call("GET", "/v1/kv/config/a", null);
    Answer txn = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"get\",\"Key\":\"config/a\"}}]".getBytes(UTF_8));
    for (Answer refused : List.of(read, txn)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().get("error").asText()).isEqualTo("acl_not_found");
      assertThat(refused.json().get("message").asText())
          .isEqualTo("ACL not found: missing credentials: send a token in X-Consul-Token");
    }
  }

  @Test
  void anonymousPolicyAppliesToTokenlessConsulRequestsAndNothingElse(@TempDir Path dir) {
    try (TestServer open = TestServer.on(dir).withAnonymousPolicy("read config/*").startNow()) {
      call(open, "PUT", "/v1/kv/config/a", "x".getBytes(UTF_8), "X-Consul-Token", open.token());
      call(open, "PUT", "/v1/kv/other/b", "y".getBytes(UTF_8), "X-Consul-Token", open.token());
      assertThat(call(open, "GET", "/v1/kv/config/a?raw", null).text()).isEqualTo("x");
      assertThat(call(open, "GET", "/v1/kv/?recurse", null).json().findValuesAsText("Key"))
          .containsExactly("config/a");
      String hint = "; send a token in X-Consul-Token";
      Answer unreadable = call(open, "GET", "/v1/kv/other/b", null);
      assertThat(unreadable.status()).isEqualTo(403);
      assertThat(unreadable.json().get("message").asText()).isEqualTo("an anonymous caller may not read other/b" + hint);
      Answer write = call(open, "PUT", "/v1/kv/config/a", "evil".getBytes(UTF_8));
      assertThat(write.status()).isEqualTo(403);
      assertThat(write.json().get("message").asText()).isEqualTo("an anonymous caller may not write config/a" + hint);
      Answer badToken = call(open, "GET", "/v1/kv/config/a", null, "X-Consul-Token", "not-a-token");
      assertThat(badToken.status()).isEqualTo(403);
      assertThat(badToken.json().get("error").asText()).isEqualTo("acl_not_found");
      // The native API always wants a credential: its clients all have one, and it shows more than keys.
      assertThat(open.send("GET", "/api/v1/entries/plain/config/a", null, null, null).status()).isEqualTo(401);
      assertThat(open.send("GET", "/api/v1/history", null, null, null).status()).isEqualTo(401);
      assertThat(call(open, "GET", "/v1/kv/config/a?raw", null, "X-Consul-Token", open.token()).text()).isEqualTo("x");
    }
  }

  @Test
  void anonymousPolicyMayNeverGrantAdminDevicesOrSecrets(@TempDir Path dir) {
    for (String rule : List.of("admin", "read devices", "write devices", "read secrets",
        "read devices vv-*", "write devices vv-lis-01")) {
      ServerSettings settings = ServerSettings.of("127.0.0.1", 0, dir);
      var policy = new io.fleetconf.server.security.Acl(List.of("read config/*", rule));
      assertThatThrownBy(() -> settings.withAnonymousPolicy(policy))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the anonymous policy may hold only 'read <key pattern>' and 'write <key pattern>' rules, was"
              + " [read config/*, " + rule + "]");
    }
  }

  // ---------------------------------------------------------------- agent, status, sessions

  @Test
  void leaderAndPeersNeedNoTokenAndNameThisServer() {
    int port = server.uri().getPort();
    Answer leader = call("GET", "/v1/status/leader", null);
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.text().strip()).isEqualTo("\"127.0.0.1:" + port + "\"");
    Answer peers = call("GET", "/v1/status/peers", null);
    assertThat(peers.status()).isEqualTo(200);
    assertThat(peers.json().toString()).isEqualTo("[\"127.0.0.1:" + port + "\"]");
  }

  @Test
  void agentSelfDescribesOneServerInDc1() {
    Answer self = get("/v1/agent/self");
    assertThat(self.status()).isEqualTo(200);
    assertThat(self.json().get("Config").get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(self.json().get("Member").get("Port").asInt()).isEqualTo(server.uri().getPort());
    assertThat(self.json().get("Member").get("Addr").asText()).isEqualTo("127.0.0.1");
    assertThat(call("GET", "/v1/agent/self", null).status()).isEqualTo(403);
  }

  @Test
  void catalogKnowsOnlyDc1() {
    assertThat(get("/v1/catalog/datacenters").json().toString()).isEqualTo("[\"dc1\"]");
  }

  @Test
  void sessionsAreNotImplemented() {
    Answer create = put("/v1/session/create", "{}");
    assertThat(create.status()).isEqualTo(501);
    assertThat(create.json().get("message").asText()).contains("sessions");
    assertThat(get("/v1/session/list").status()).isEqualTo(501);
  }

  @Test
  void acquireAndReleaseAreRefused() {
    Answer acquire = put("/v1/kv/config/lock?acquire=abc", "x");
    assertThat(acquire.status()).isEqualTo(400);
    assertThat(acquire.json().get("message").asText()).contains("sessions and locks ('acquire')");
    assertThat(put("/v1/kv/config/lock?release=abc", "x").status()).isEqualTo(400);
    assertThat(server.revision()).isZero();
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void secretIsMaskedWithoutTheRightToReadSecrets() {
    server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"hunter2\"");
    String auditor = token("{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\"]}");
    String keeper = token("{\"identity\":\"keeper\",\"rules\":[\"read fleet/*\",\"read secrets\"]}");
    String path = "/v1/kv/fleet/global/common/dvr_password";

    assertThat(call("GET", path + "?raw", null, "X-Consul-Token", auditor).text()).isEqualTo("********");
    assertThat(call("GET", path, null, "X-Consul-Token", auditor).value()).isEqualTo("********".getBytes(UTF_8));
    assertThat(call("GET", "/v1/kv/fleet/?recurse", null, "X-Consul-Token", auditor).json().get(0).get("Value")
        .asText()).isEqualTo(b64("********"));
    assertThat(call("GET", path + "?raw", null, "X-Consul-Token", keeper).text()).isEqualTo("hunter2");
    assertThat(get(path + "?raw").text()).isEqualTo("hunter2");
  }

  /** Writing back what a reader without 'read secrets' read replaced the secret by its mask, and answered true. */
  @Test
  void writingBackAMaskedSecretIsRefusedAndTheSecretKept() {
    server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"hunter2\"");
    server.put("/api/v1/entries/global/common/dvr?secret=true", "{\"user\":\"dvr\",\"password\":\"hunter2\"}");
    String editor = token("{\"identity\":\"editor\",\"rules\":[\"write fleet/*\"]}");
    String path = "/v1/kv/fleet/global/common/dvr_password";
    byte[] read = call("GET", path + "?raw", null, "X-Consul-Token", editor).bytes();
    assertThat(text(read)).isEqualTo("********");

    Answer consul = call("PUT", path, read, "X-Consul-Token", editor);
    TestServer.Reply nativeWhole = server.send("PUT", "/api/v1/entries/global/common/dvr_password",
        "\"********\"".getBytes(UTF_8), "application/json", "Bearer " + editor);
    TestServer.Reply nativePart = server.send("PUT", "/api/v1/entries/global/common/dvr",
        "{\"user\":\"dvr\",\"password\":\"********\"}".getBytes(UTF_8), "application/json", "Bearer " + editor);

    assertThat(consul.status()).isEqualTo(400);
    assertThat(consul.json().get("message").asText()).isEqualTo("global/common/dvr_password is a secret, and the value written holds its mask"
        + " \"********\", which readers without 'read secrets' see in its place: write the secret itself");
    assertThat(nativeWhole.status()).isEqualTo(400);
    assertThat(nativeWhole.json().get("error").asText()).isEqualTo("masked_secret");
    assertThat(nativePart.status()).isEqualTo(400);
    assertThat(get(path + "?raw").text()).isEqualTo("hunter2");
    assertThat(nativeEntry("global/common/dvr").get("value").get("password").asText()).isEqualTo("hunter2");
    assertThat(server.revision()).isEqualTo(2);
  }

  @Test
  void consulWriteKeepsAnEntrySecret() {
    server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"hunter2\"");
    put("/v1/kv/fleet/global/common/dvr_password", "hunter3");
    JsonNode entry = nativeEntry("global/common/dvr_password");
    assertThat(entry.get("secret").asBoolean()).isTrue();
    assertThat(entry.get("value").asText()).isEqualTo("hunter3");
  }
}
