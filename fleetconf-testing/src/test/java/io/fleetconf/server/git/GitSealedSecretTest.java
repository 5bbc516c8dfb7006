package io.fleetconf.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Key;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.Sealing;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.LogCapture;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Secrets committed sealed ({@code ENC[...]}) to a real repository, opened by the real server that follows it. */
class GitSealedSecretTest {
  static final String ANA = "Ana Lima <ana@example.org>";
  static final Map<String, String> FLEET = Map.of(
      "global/tv.yaml", "volume: 30\n",
      "devices.yaml", "vv-01:\n  groups: [site/lisbon]\nvv-02:\n  groups: [site/lisbon]\n");
  @TempDir Path dir;
  TestGit git;
  TestServer server;
  private final String plaintext = "tv-api-" + UUID.randomUUID();
  @RegisterExtension final LogCapture log = new LogCapture();

  @BeforeEach
  void followTheFleet() {
    git = TestGit.create(dir);
    git.write(FLEET).commit(ANA, "fleet");
    git.push();
    server = TestServer.on(dir.resolve("data"))
        .withGit(new GitSettings(List.of(new GitSource("fleet", git.url(), "main", "")), Duration.ofMillis(200)))
        .startNow();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().has("applied")).isTrue());
  }

  @AfterEach
  void stop() {
    server.close();
    git.close();
  }

  private JsonNode source() {
    return server.get("/api/v1/git/sources").json().get("sources").get(0);
  }

  private PublicKey sealKey() {
    Reply key = server.get("/api/v1/seal/key");
    assertThat(key.status()).isEqualTo(200);
    PublicKey publicKey = Sealing.parsePublic(key.json().get("key").asText());
    assertThat(key.json().get("keyId").asText()).isEqualTo(Sealing.keyId(publicKey));
    return publicKey;
  }

  private String push(String path, String text) {
    String commit = git.write(path, text).commit(ANA, "edit " + path);
    git.push();
    return commit;
  }

  private Reply as(String token, String path) {
    return server.send("GET", path, null, null, "Bearer " + token);
  }

  private String deviceToken(String device) {
    return server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"" + device + "\"}").json().get("token")
        .asText();
  }

  @Test
  void aSealedSecretInTheRepositoryReachesOnlyItsDeviceAndNoPlaintextIsStoredLoggedOrInHistory() throws Exception {
    String sealed = Sealing.seal(sealKey(), Key.parse("devices/vv-01/tv/api_token"), plaintext);
    String commit = push("devices/vv-01/tv.yaml", "volume: 60\napi_token: " + sealed + "\n");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("applied").asText()).isEqualTo(commit));

    Reply own = as(deviceToken("vv-01"), "/api/v1/devices/vv-01/config");
    assertThat(own.json().at("/config/tv").toString())
        .isEqualTo("{\"api_token\":\"" + plaintext + "\",\"volume\":60}");
    assertThat(own.json().get("secrets").toString()).isEqualTo("[\"tv/api_token\"]");
    String other = deviceToken("vv-02");
    assertThat(as(other, "/api/v1/devices/vv-02/config").body()).doesNotContain(plaintext).doesNotContain("api_token");
    assertThat(as(other, "/api/v1/devices/vv-01/config").status()).isEqualTo(403);
    assertThat(server.get("/api/v1/entries/devices/vv-01/tv/api_token").json().get("secret").asBoolean()).isTrue();

    String auditor = server.post("/api/v1/tokens",
        "{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\",\"read devices\"]}").json().get("token").asText();
    for (String path : List.of("/api/v1/history", "/api/v1/changes?since=0", "/api/v1/diff?from=0&device=vv-01",
        "/api/v1/git/sources")) {
      assertThat(as(auditor, path).body()).as(path).doesNotContain(plaintext);
    }
    server.close();
    try (var files = Files.walk(server.dataDir())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
            .doesNotContain(plaintext);
      }
    }
    assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains(plaintext));
  }

  @Test
  void aPlaintextSecretOrASealedValueMovedToAnotherKeyMakesTheCommitBadAndShowsWhy() {
    String applied = source().get("applied").asText();
    String plain = push("devices/vv-02/tv.yaml", "volume: 50\ndb_password: " + plaintext + "\n");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().at("/refused/0/commit").asText())
        .isEqualTo(plain));
    JsonNode refused = source().at("/refused/0");
    assertThat(refused.get("file").asText()).isEqualTo("devices/vv-02/tv.yaml");
    assertThat(refused.get("line").asInt()).isEqualTo(2);
    assertThat(refused.get("reason").asText()).isEqualTo("devices/vv-02/tv/db_password must be sealed, as its name"
        + " marks a secret: commit the ENC[...] that fleetconf seal makes, never the plaintext");

    // Sealed for vv-01's key, committed for vv-02's: the associated data does not match.
    String moved = Sealing.seal(sealKey(), Key.parse("devices/vv-01/tv/db_password"), plaintext);
    String copy = push("devices/vv-02/tv.yaml", "volume: 50\ndb_password: " + moved + "\n");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().at("/refused/0/commit").asText())
        .isEqualTo(copy));
    assertThat(source().at("/refused/0/reason").asText()).isEqualTo("the value of devices/vv-02/tv/db_password does"
        + " not open: it was sealed for another key path, or altered; seal it again for devices/vv-02/tv/db_password");
    assertThat(source().get("state").asText()).isEqualTo("failed");
    assertThat(source().get("applied").asText()).isEqualTo(applied);
    assertThat(server.get("/api/v1/devices/vv-02/config").json().at("/config/tv").toString()).isEqualTo("{\"volume\":30}");

    String good = push("devices/vv-02/tv.yaml", "volume: 50\ndb_password: "
        + Sealing.seal(sealKey(), Key.parse("devices/vv-02/tv/db_password"), plaintext) + "\n");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("applied").asText()).isEqualTo(good));
    assertThat(server.get("/api/v1/devices/vv-02/config").json().at("/config/tv").toString())
        .isEqualTo("{\"db_password\":\"" + plaintext + "\",\"volume\":50}");
    assertThat(log.lines()).noneMatch(line -> line.contains(plaintext));
  }

  @Test
  void theSealKeyStaysTheSameAcrossARestart() {
    PublicKey before = sealKey();
    server.restart();
    assertThat(sealKey()).isEqualTo(before);
  }
}
