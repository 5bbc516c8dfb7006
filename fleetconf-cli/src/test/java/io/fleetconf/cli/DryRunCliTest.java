package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --dry-run} on kv put, kv rm, import, rollback and restore: the impact, the schema verdict, nothing written. */
class DryRunCliTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"));
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/plain/fleetconf/schemas/tv_api",
        "{\"properties\": {\"port\": {\"type\": \"integer\", \"maximum\": 65535}}}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void kvPutDryRunPrintsTheImpactAndWritesNothing() {
    long before = revision();
    CliRun run = CliRun.fleetconf(server, "kv", "put", "--dry-run", "--type", "json", "global/tv_api/port", "8081");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("dry run: 1 change(s), 2 device(s) would change; nothing written\n"
        + "schema: ok\n"
        + "changed: cam-1, cam-2\n"
        + "  ~ tv_api/port: 8080 -> 8081\n");
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void aSchemaRefusalExitsOneWithTheReason() {
    CliRun run = CliRun.fleetconf(server, "kv", "put", "--dry-run", "--type", "json",
        "groups/site/porto/tv_api/port", "70000");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).contains("schema: refused: the change breaks the schema of namespace 'tv_api' for 1"
        + " device: cam-2: tv_api/port is 70000: must have a maximum value of 65535 (maximum)\n");
    CliRun real = CliRun.fleetconf(server, "kv", "put", "--type", "json", "groups/site/porto/tv_api/port", "70000");
    assertThat(real.status()).isEqualTo(1);
    assertThat(real.err()).contains("cam-2: tv_api/port is 70000");
  }

  @Test
  void aSchemaForcedInIsFlaggedByFleetStatus() {
    server.put("/api/v1/entries/devices/cam-2/tv_api/port", "9500");
    String stricter = "{\"properties\": {\"port\": {\"maximum\": 9000}}}";
    CliRun refused = CliRun.fleetconf(server, "kv", "put", "--type", "json",
        "plain/fleetconf/schemas/tv_api/groups/site/porto", stricter);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains("the schema of namespace 'tv_api' (group site/porto) for 1 device: cam-2:");
    CliRun forced = CliRun.fleetconf(server, "kv", "put", "--type", "json", "--force-schema",
        "plain/fleetconf/schemas/tv_api/groups/site/porto", stricter);
    assertThat(forced.status()).as(forced.err()).isZero();
    CliRun invalid = CliRun.fleetconf(server, "fleet", "status", "--status", "invalid");
    assertThat(invalid.out()).contains("cam-2").doesNotContain("cam-1")
        .contains("schema of namespace 'tv_api' (group site/porto): tv_api/port is 9500: must have a maximum value"
            + " of 9000 (maximum)");
  }

  @Test
  void kvRmRollbackAndRestoreDryRunsChangeNothing() throws Exception {
    long before = revision();
    CliRun rm = CliRun.fleetconf(server, "kv", "rm", "--dry-run", "global/tv_api/port");
    assertThat(rm.out()).endsWith("changed: cam-1, cam-2\n  - tv_api/port (was 8080)\n");
    CliRun rollback = CliRun.fleetconf(server, "rollback", "--dry-run", "3");
    assertThat(rollback.status()).as(rollback.err()).isZero();
    assertThat(rollback.out()).endsWith("changed: cam-1, cam-2\n  - tv_api/port (was 8080)\n");
    CliRun restore = CliRun.fleetconf(server, "restore", "--dry-run", "global", "--to", "2");
    assertThat(restore.out()).endsWith("changed: cam-1, cam-2\n  - tv_api/port (was 8080)\n");
    java.nio.file.Path env = dir.resolve("tv_api.env");
    java.nio.file.Files.writeString(env, "port=9090\n");
    CliRun imported = CliRun.fleetconf(server, "import", "--dry-run", "--scope", "groups/site/porto",
        "--namespace", "tv_api", env.toString());
    assertThat(imported.status()).as(imported.err()).isEqualTo(1); // .env values are text: the schema wants an integer
    assertThat(imported.out()).contains("schema: refused: the change breaks the schema of namespace 'tv_api' for 1"
        + " device: cam-2: tv_api/port is \"9090\": string found, integer expected (type)\n");
    CliRun json = CliRun.fleetconf(server, "rollback", "--dry-run", "--json", "3");
    assertThat(CliRun.JSON.readTree(json.out()).get("devices").asInt()).isEqualTo(2);
    assertThat(revision()).isEqualTo(before);
  }

  private long revision() {
    return server.get("/api/v1/health").json().get("revision").asLong();
  }
}
