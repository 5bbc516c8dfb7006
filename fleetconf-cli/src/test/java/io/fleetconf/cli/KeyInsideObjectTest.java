package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 24: a key path inside an object stored above it reads as a stored key does, the
 * way a device's config reads it: the value, and {@code from} naming the entry that holds it.
 */
class KeyInsideObjectTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  private void putCommonObject() throws Exception {
    Path yaml = dir.resolve("common.yaml");
    Files.writeString(yaml, "hmac_key_id: k-2024\ndvr:\n  ip: 10.0.0.9\n  port: 8554\n  off: null\n");
    assertThat(run("kv", "put", "global/common", "--file", yaml.toString()).status()).isZero();
  }

  @Test
  void kvGetOfAPathInsideAStoredObjectAnswersItsValue() throws Exception {
    putCommonObject();
    assertThat(run("kv", "get", "global/common/hmac_key_id").out()).isEqualTo("k-2024\n");
    assertThat(run("kv", "get", "global/common/dvr").out()).isEqualTo("{\"ip\":\"10.0.0.9\",\"port\":8554,\"off\":null}\n");
    assertThat(run("kv", "get", "global/common/dvr/port", "--json").out()).isEqualTo("""
        {
          "key" : "global/common/dvr/port",
          "scope" : "global",
          "path" : "common/dvr/port",
          "value" : 8554,
          "createRevision" : 1,
          "modRevision" : 1,
          "version" : 1,
          "from" : "global/common"
        }
        """);
  }

  @Test
  void aDeeperStoredEntryWinsOverTheObjectAboveIt() throws Exception {
    putCommonObject();
    assertThat(run("kv", "put", "global/common/dvr/ip", "10.0.0.10").status()).isZero();
    assertThat(run("kv", "get", "global/common/dvr/ip", "--json").out()).doesNotContain("from")
        .contains("\"value\" : \"10.0.0.10\"");
    assertThat(run("kv", "get", "global/common/dvr").out())
        .isEqualTo("{\"ip\":\"10.0.0.10\",\"port\":8554,\"off\":null}\n");
  }

  @Test
  void whatNoEntryHoldsIsStillMissing() throws Exception {
    putCommonObject();
    assertThat(run("kv", "put", "global/other/a/b", "x").status()).isZero();
    for (String missing : new String[] {"global/common/nope", "global/common/dvr/ip/deeper", "global/other/a",
        "groups/site/x/common/hmac_key_id"}) {
      assertThat(run("kv", "get", missing).err()).isEqualTo("fleetconf: key '" + missing + "' does not exist (404)\n");
    }
  }

  @Test
  void aPathInsideASecretObjectIsMaskedForAReaderWithoutSecrets() throws Exception {
    Path json = dir.resolve("dvr.json");
    Files.writeString(json, "{\"user\": \"admin\", \"password\": \"s3cret\"}");
    assertThat(run("kv", "put", "global/dvr", "--file", json.toString(), "--secret").status()).isZero();
    assertThat(run("kv", "get", "global/dvr/password").out()).isEqualTo("s3cret\n");
    String reader = run("token", "create", "--identity", "reader", "--rule", "read fleet/global/*").out().strip();
    CliRun masked = run("kv", "get", "global/dvr/password", "--json", "--addr=" + server.uri(), "--token=" + reader);
    assertThat(masked.out()).contains("\"masked\" : true", "\"from\" : \"global/dvr\"").doesNotContain("s3cret");
  }
}
