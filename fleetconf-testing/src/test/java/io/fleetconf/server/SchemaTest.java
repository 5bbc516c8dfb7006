package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Namespace schemas (draft 2020-12) are checked against the effective config of every device a
 * write changes, whatever the write path; a refusal names the device, path, rule and value, and
 * writes nothing.
 */
class SchemaTest extends ConsulTestSupport {
  private static final String SCHEMA = "/api/v1/entries/plain/fleetconf/schemas/tv_api";
  private static final String PORT_SCHEMA = "{\"type\": \"object\", \"required\": [\"port\"], \"properties\": {"
      + "\"port\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535},"
      + "\"password\": {\"type\": \"string\", \"minLength\": 8}}}";

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-3\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    assertThat(server.put(SCHEMA, PORT_SCHEMA).status()).isEqualTo(200);
  }

  @Test
  void aGroupOverrideThatBreaksOneDevicesMergedConfigIsRefusedNamingItAndNothingIsWritten() {
    server.post("/api/v1/devices", "{\"id\": \"cam-4\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/devices/cam-4/tv_api/port", "9000");
    long before = revision();
    Reply refused = server.put("/api/v1/entries/groups/site/porto/tv_api/port", "70000");
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("error").asText()).isEqualTo("schema_violation");
    // cam-4's own 9000 wins over the group's value: only cam-3 breaks.
    assertThat(refused.json().get("message").asText()).isEqualTo("the change breaks the schema of namespace"
        + " 'tv_api' for 1 device: cam-3: tv_api/port is 70000: must have a maximum value of 65535 (maximum)");
    assertThat(revision()).isEqualTo(before);
    assertThat(server.get("/api/v1/entries/groups/site/porto/tv_api/port").status()).isEqualTo(404);
  }

  @Test
  void aGlobalBreakNamesTheFirstDevicesAndCountsTheRest() {
    for (int i = 4; i <= 9; i++) {
      server.post("/api/v1/devices", "{\"id\": \"cam-" + i + "\", \"groups\": [\"site/porto\"]}");
    }
    Reply refused = server.put("/api/v1/entries/global/tv_api/port", "\"8080\"");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("the change breaks the schema of namespace"
        + " 'tv_api' for 9 devices: cam-1, cam-2, cam-3, cam-4, cam-5 and 4 more: tv_api/port is \"8080\":"
        + " string found, integer expected (type)");
  }

  @Test
  void everyWritePathIsChecked() {
    long before = revision();
    assertThat(server.delete("/api/v1/entries/global/tv_api/port").json().get("error").asText())
        .isEqualTo("schema_violation");
    assertThat(server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\", \"key\":"
        + " \"devices/cam-2/tv_api/port\", \"value\": 0}]}").json().get("message").asText())
        .startsWith("the change breaks the schema of namespace 'tv_api' for 1 device: cam-2: tv_api/port is 0:");
    Answer consul = put("/v1/kv/fleet/devices/cam-1/tv_api/port", "abc");
    assertThat(consul.status()).isEqualTo(400);
    assertThat(consul.json().get("message").asText()).contains("cam-1: tv_api/port is \"abc\"");
    Answer txn = consul("PUT", "/v1/txn", ("[{\"KV\": {\"Verb\": \"set\", \"Key\": \"fleet/groups/site/lisbon/tv_api/port\","
        + " \"Value\": \"" + java.util.Base64.getEncoder().encodeToString("1".repeat(7).getBytes(StandardCharsets.UTF_8))
        + "\"}}]").getBytes(StandardCharsets.UTF_8));
    assertThat(txn.status()).as(txn.text()).isIn(400, 409);
    assertThat(txn.text()).contains("schema");
    assertThat(revision()).isEqualTo(before);
    // A value that breaks the schema in a group no device is in breaks no device's config...
    assertThat(server.put("/api/v1/entries/groups/site/bad/tv_api/port", "\"x\"").status()).isEqualTo(200);
    // ...until a device joins the group.
    Reply moved = server.patch("/api/v1/devices/cam-1", "{\"groups\": [\"site/bad\"]}");
    assertThat(moved.status()).isEqualTo(400);
    assertThat(moved.json().get("message").asText()).contains("cam-1: tv_api/port is \"x\"");
    Reply added = server.post("/api/v1/devices", "{\"id\": \"cam-9\", \"groups\": [\"site/bad\"]}");
    assertThat(added.status()).isEqualTo(400);
    assertThat(revision()).isEqualTo(before + 1);
  }

  @Test
  void aRollbackThatWouldBreakTheSchemaIsRefused() {
    Reply loosen = server.put(SCHEMA, "{\"type\": \"object\"}");
    long loosened = loosen.json().get("revision").asLong();
    server.put("/api/v1/entries/global/tv_api/port", "\"eighty\"");
    long before = revision();
    Reply rollback = server.post("/api/v1/rollback", "{\"revision\": " + loosened + "}");
    assertThat(rollback.status()).as(rollback.body()).isEqualTo(400);
    assertThat(rollback.json().get("message").asText()).contains("cam-1, cam-2, cam-3: tv_api/port is \"eighty\"");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void aNewSchemaThatCurrentConfigsBreakIsRefusedWithThem() {
    server.put("/api/v1/entries/devices/cam-2/tv_api/mode", "\"fast\"");
    long before = revision();
    Reply refused = server.put(SCHEMA, "{\"type\": \"object\", \"additionalProperties\": false,"
        + " \"properties\": {\"port\": {}}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("the change breaks the schema of namespace"
        + " 'tv_api' for 1 device: cam-2: tv_api is {\"port\":8080,\"mode\":\"fast\"}: property 'mode' is not defined"
        + " in the schema and the schema does not allow additional properties (additionalProperties)");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void anInvalidSchemaIsRefusedAndARemoteRefIsNeverFetched() {
    Reply bad = server.put(SCHEMA, "{\"type\": 12}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText()).isEqualTo("invalid_schema");
    assertThat(bad.json().get("message").asText()).startsWith("the schema of namespace 'tv_api' is not a valid JSON"
        + " Schema (draft 2020-12): /type: ");
    Reply remote = server.put(SCHEMA, "{\"$ref\": \"http://127.0.0.1:9/schema.json\"}");
    assertThat(remote.status()).as(remote.body()).isEqualTo(400);
    assertThat(remote.json().get("error").asText()).isEqualTo("invalid_schema");
    Reply nested = server.put("/api/v1/entries/plain/fleetconf/schemas/tv_api/x", "{}");
    assertThat(nested.json().get("error").asText()).isEqualTo("invalid_schema");
  }

  @Test
  void aSecretValueIsMaskedInTheRefusal() {
    Reply refused = server.put("/api/v1/entries/groups/site/lisbon/tv_api/password?secret=true", "\"short\"");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).doesNotContain("short");
    assertThat(refused.json().get("message").asText()).isEqualTo("the change breaks the schema of namespace 'tv_api'"
        + " for 2 devices: cam-1, cam-2: tv_api/password is \"********\": must be at least 8 characters long (minLength)");
  }

  @Test
  void aDryRunShowsTheSchemaRefusalWithTheImpact() {
    long before = revision();
    Reply preview = server.put("/api/v1/entries/groups/site/porto/tv_api/port?dry_run=true", "70000");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json().at("/schema/valid").asBoolean()).isFalse();
    assertThat(preview.json().at("/schema/message").asText()).contains("cam-3: tv_api/port is 70000");
    assertThat(preview.json().at("/impact/0/devices").toString()).isEqualTo("[\"cam-3\"]");
    Reply fine = server.put("/api/v1/entries/groups/site/porto/tv_api/port?dry_run=true", "7000");
    assertThat(fine.json().at("/schema").toString()).isEqualTo("{\"valid\":true}");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void aGroupsSchemaAppliesToItsMembersAlone() {
    assertThat(server.put(SCHEMA + "/groups/site/porto", "{\"properties\": {\"port\": {\"maximum\": 9000}}}")
        .status()).isEqualTo(200);
    long before = revision();
    Reply refused = server.put("/api/v1/entries/global/tv_api/port", "9500");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).isEqualTo("the change breaks the schema of namespace"
        + " 'tv_api' (group site/porto) for 1 device: cam-3: tv_api/port is 9500: must have a maximum value of 9000"
        + " (maximum)");
    assertThat(revision()).isEqualTo(before);
    assertThat(server.put("/api/v1/entries/groups/site/lisbon/tv_api/port", "9500").status()).isEqualTo(200);
    Reply joined = server.patch("/api/v1/devices/cam-1", "{\"groups\": [\"site/lisbon\", \"site/porto\"]}");
    assertThat(joined.json().get("message").asText()).contains("(group site/porto) for 1 device: cam-1:");
    assertThat(server.put(SCHEMA + "/groups/porto", "{}").json().get("error").asText()).isEqualTo("invalid_schema");
  }

  @Test
  void aForcedSchemaIsTakenAndFleetStatusFlagsTheDevicesThatBreakIt() {
    server.put(SCHEMA, "{\"type\": \"object\"}");
    server.put("/api/v1/entries/devices/cam-2/tv_api/port", "\"eighty\"");
    assertThat(server.put(SCHEMA, PORT_SCHEMA).json().get("error").asText()).isEqualTo("schema_violation");
    assertThat(server.put(SCHEMA + "?force_schema=true", PORT_SCHEMA).status()).isEqualTo(200);
    Reply invalid = server.get("/api/v1/fleet/status?status=invalid");
    assertThat(invalid.json().at("/devices").size()).isEqualTo(1);
    assertThat(invalid.json().at("/devices/0/id").asText()).isEqualTo("cam-2");
    assertThat(invalid.json().at("/devices/0/schemaViolations").toString()).isEqualTo("[\"schema of namespace"
        + " 'tv_api': tv_api/port is \\\"eighty\\\": string found, integer expected (type)\"]");
    // A change that leaves cam-2 no worse goes through; one that breaks it another way does not.
    assertThat(server.put("/api/v1/entries/global/tv_api/password", "\"long enough\"").status()).isEqualTo(200);
    Reply worse = server.put("/api/v1/entries/devices/cam-2/tv_api/port", "\"ninety\"");
    assertThat(worse.json().get("message").asText()).contains("cam-2: tv_api/port is \"ninety\"");
    assertThat(server.put("/api/v1/entries/devices/cam-2/tv_api/port", "8081").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/fleet/status?status=invalid").json().at("/devices").size()).isZero();
  }

  private long revision() {
    return server.get("/api/v1/health").json().get("revision").asLong();
  }
}
