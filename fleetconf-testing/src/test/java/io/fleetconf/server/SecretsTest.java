package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.LogCapture;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A secret is readable where it should be, and nowhere else: not on disk, not in the log, not in history. */
class SecretsTest {
  @RegisterExtension final TestServer server = TestServer.fresh().tls();
  @RegisterExtension final LogCapture log = new LogCapture();
  private final String plaintext = "dvr-pass-" + UUID.randomUUID();

  @Test
  void aSecretReachesOnlyTheDevicesItConcernsAndIsStoredAndShownOnlySealedOrMasked() throws Exception {
    assertThat(server.post("/api/v1/devices", "{\"id\":\"cam-1\",\"groups\":[\"site/lisbon\"]}").status()).isEqualTo(201);
    assertThat(server.post("/api/v1/devices", "{\"id\":\"cam-2\",\"groups\":[\"site/porto\"]}").status()).isEqualTo(201);
    String cam1 = deviceToken("cam-1");
    String cam2 = deviceToken("cam-2");
    String auditor = server.post("/api/v1/tokens",
        "{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\",\"read devices\"]}").json().get("token").asText();

    Reply put = server.put("/api/v1/entries/groups/site/lisbon/dvr/password?secret=true", "\"" + plaintext + "\"");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().at("/entry/secret").asBoolean()).isTrue();
    long revision = put.json().get("revision").asLong();
    // A conflicting write and a rollback: paths that build error messages and new change sets.
    assertThat(server.put("/api/v1/entries/groups/site/lisbon/dvr/password?cas=1", "\"" + plaintext + "-x\"").status())
        .isEqualTo(409);
    assertThat(server.put("/api/v1/entries/groups/site/lisbon/dvr/password", "\"" + plaintext + "-2\"").status())
        .isEqualTo(200);
    assertThat(server.post("/api/v1/rollback", "{\"revision\":" + (revision + 1) + "}").status()).isEqualTo(200);

    Reply own = as(cam1, "/api/v1/devices/cam-1/config");
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.json().at("/config/dvr/password").asText()).isEqualTo(plaintext);
    assertThat(own.json().get("secrets").toString()).isEqualTo("[\"dvr/password\"]");
    Reply env = as(cam1, "/api/v1/devices/cam-1/config/dvr?format=env");
    assertThat(env.body()).contains(plaintext);
    assertThat(env.header("X-Fleetconf-Secrets")).isEqualTo("1");

    Reply other = as(cam2, "/api/v1/devices/cam-2/config");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.body()).doesNotContain(plaintext).doesNotContain("password");
    assertThat(as(cam2, "/api/v1/devices/cam-1/config").status()).isEqualTo(403);
    assertThat(as(cam2, "/api/v1/entries/groups/site/lisbon/dvr/password").status()).isEqualTo(403);

    // An operator who may read keys and devices, but not secrets, sees them masked everywhere.
    for (String path : List.of("/api/v1/entries/groups/site/lisbon/dvr/password", "/api/v1/entries?recurse=true",
        "/api/v1/devices/cam-1/config", "/api/v1/devices/cam-1/config?format=yaml", "/api/v1/history",
        "/api/v1/changes?since=0", "/api/v1/changes/" + revision, "/api/v1/diff?from=0",
        "/api/v1/diff?from=0&device=cam-1")) {
      Reply masked = as(auditor, path);
      assertThat(masked.status()).as(path).isEqualTo(200);
      assertThat(masked.body()).as(path).doesNotContain(plaintext).contains("********");
    }
    assertThat(as(auditor, "/api/v1/entries/groups/site/lisbon/dvr/password").json().get("masked").asBoolean()).isTrue();
    // The admin holds every right, secrets included.
    assertThat(server.get("/api/v1/history").body()).contains(plaintext);

    server.restart();
    assertThat(as(cam1, "/api/v1/devices/cam-1/config").json().at("/config/dvr/password").asText()).isEqualTo(plaintext);
    server.close();
    try (var files = Files.list(server.dataDir())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
            .doesNotContain(plaintext);
      }
    }
    assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains(plaintext));
  }

  /**
   * A value first written in the clear, then marked secret: once that call returns, while the server
   * still runs, no file of the store (the database, its WAL, its shared-memory index, a journal)
   * holds the plaintext. SQLite kept the old page images in fleetconf.db-wal until a checkpoint.
   */
  @Test
  void maskTrueHidesSecretsEvenFromATokenThatMayReadThem() {
    server.put("/api/v1/entries/global/db/password?secret=true", "\"" + plaintext + "\"");
    server.put("/api/v1/entries/global/db/user", "\"app\"");
    assertThat(server.get("/api/v1/entries?recurse=true").body()).contains(plaintext);
    Reply masked = server.get("/api/v1/entries?recurse=true&mask=true");
    assertThat(masked.body()).doesNotContain(plaintext);
    assertThat(masked.json().at("/entries/0/value").asText()).isEqualTo("********");
    assertThat(masked.json().at("/entries/0/secret").asBoolean()).isTrue();
    assertThat(masked.json().at("/entries/1/value").asText()).isEqualTo("app");
  }

  @Test
  void aValueMarkedSecretLeavesNoPlaintextOnDiskWhileTheServerRuns() throws Exception {
    String key = "/api/v1/entries/global/dvr/password";
    assertThat(server.put(key, "\"" + plaintext + "\"").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/global/dvr/other", "\"" + plaintext + "-other\"").status()).isEqualTo(200);
    assertThat(storeFiles()).as("the plaintext is on disk before").anyMatch(bytes -> bytes.contains(plaintext));

    Reply marked = server.put(key + "?secret=true", "\"" + plaintext + "\"");
    assertThat(marked.status()).isEqualTo(200);
    Reply post = server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\", \"key\": \"global/dvr/other\","
        + " \"value\": \"" + plaintext + "-other\", \"secret\": true}]}");
    assertThat(post.status()).as(post.body()).isEqualTo(200);

    assertThat(storeFiles()).isNotEmpty().noneMatch(bytes -> bytes.contains(plaintext));
    assertThat(server.get(key).json().get("value").asText()).isEqualTo(plaintext);
  }

  /** Every file of the store in the data directory, as Latin-1 text so that any byte sequence survives. */
  private List<String> storeFiles() throws java.io.IOException {
    try (var files = Files.list(server.dataDir())) {
      List<Path> store = files.filter(file -> file.getFileName().toString().startsWith("fleetconf.db")).toList();
      assertThat(store).contains(server.dataDir().resolve("fleetconf.db"), server.dataDir().resolve("fleetconf.db-wal"));
      List<String> contents = new java.util.ArrayList<>();
      for (Path file : store) {
        contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
      return contents;
    }
  }

  private String deviceToken(String device) {
    return server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"" + device + "\"}").json().get("token").asText();
  }

  private Reply as(String token, String path) {
    return server.send("GET", path, null, null, "Bearer " + token);
  }
}
