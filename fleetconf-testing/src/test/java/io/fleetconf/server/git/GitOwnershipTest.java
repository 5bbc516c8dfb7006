package io.fleetconf.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.git.GitSource;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Git source's files define is read-only for every other writer; the rest stays writable. */
class GitOwnershipTest {
  @TempDir Path dir;
  TestGit git;
  TestServer server;
  long revision;
  String first;

  @BeforeEach
  void follow() {
    git = TestGit.create(dir);
    git.write(Map.of("global/tv.yaml", "volume: 30\n", "groups/site/lisbon/tv.yaml", "volume: 40\n",
        "devices.yaml", "vv-01:\n  groups: [site/lisbon]\n")).commit("Ana Lima <ana@example.org>", "fleet");
    first = git.head();
    git.push();
    server = TestServer.on(dir.resolve("data"))
        .withGit(new GitSettings(List.of(new GitSource("fleet", git.url(), "main", "")), Duration.ofMillis(200)))
        .startNow();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.revision()).isGreaterThan(0));
    revision = server.revision();
  }

  @AfterEach
  void stop() {
    server.close();
    git.close();
  }

  void assertOwned(TestServer.Reply reply, String what, String file) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(409);
    assertThat(reply.json().get("error").asText()).isEqualTo("owned_by_git");
    assertThat(reply.json().get("message").asText()).isEqualTo(what + " is owned by git source 'fleet': change "
        + file + " in its repository instead");
  }

  @Test
  void nativeApiWritesToOwnedKeysAnswer409NamingTheFile() {
    assertOwned(server.put("/api/v1/entries/global/tv/volume", "31"), "global/tv/volume", "global/tv.yaml");
    assertOwned(server.put("/api/v1/entries/global/tv/new_key", "1"), "global/tv/new_key", "global/tv.yaml");
    // A dry run is refused as the write would be.
    assertOwned(server.put("/api/v1/entries/global/tv/volume?dry_run=true", "31"), "global/tv/volume",
        "global/tv.yaml");
    assertOwned(server.delete("/api/v1/entries/groups/site/lisbon/tv/volume"), "groups/site/lisbon/tv/volume",
        "groups/site/lisbon/tv.yaml");
    assertOwned(server.delete("/api/v1/entries/global?recurse=true"), "global", "global/tv.yaml");
    assertOwned(server.post("/api/v1/changes", "{\"operations\": [{\"op\": \"put\", \"key\": \"global/other/x\","
        + " \"value\": 1}, {\"op\": \"put\", \"key\": \"global/tv/volume\", \"value\": 2}]}"), "global/tv/volume",
        "global/tv.yaml");
    assertOwned(server.patch("/api/v1/devices/vv-01", "{\"groups\": []}"), "device vv-01", "devices.yaml");
    assertOwned(server.delete("/api/v1/devices/vv-01"), "device vv-01", "devices.yaml");
    assertThat(server.revision()).isEqualTo(revision);
  }

  @Test
  void rollbackOfAGitOwnedKeyIsRefusedWithTheGitRevertToRunDryRunsToo() {
    String louder = git.write("global/tv.yaml", "volume: 35\n").commit("Bob Stone <bob@example.org>", "louder");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.revision()).isEqualTo(revision + 1));
    String refusal = "global/tv/volume is owned by git source 'fleet': change global/tv.yaml in its repository"
        + " instead; to undo revision " + (revision + 1) + ", run `git revert " + louder + "` in its repository and push";

    for (String path : List.of("/api/v1/rollback", "/api/v1/rollback?dry_run=true")) {
      TestServer.Reply reply = server.post(path, "{\"revision\": " + (revision + 1) + "}");
      assertThat(reply.status()).as(reply.body()).isEqualTo(409);
      assertThat(reply.json().get("error").asText()).isEqualTo("owned_by_git");
      assertThat(reply.json().get("message").asText()).isEqualTo(refusal);
    }
    // Changed since by a later commit: still the revert, not "changed since; pass force=true".
    TestServer.Reply firstSync = server.post("/api/v1/rollback", "{\"revision\": " + revision + "}");
    assertThat(firstSync.json().get("message").asText()).endsWith(
        "; to undo revision " + revision + ", run `git revert " + first + "` in its repository and push");
    assertThat(server.revision()).isEqualTo(revision + 1);
  }

  @Test
  void restoreOfAGitOwnedPrefixIsRefusedNamingEveryCommitToRevertNewestFirst() {
    String louder = git.write("global/tv.yaml", "volume: 35\n").commit("Bob Stone <bob@example.org>", "louder");
    String loudest = git.write("global/tv.yaml", "volume: 50\n").commit("Bob Stone <bob@example.org>", "loudest");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.revision()).isEqualTo(revision + 2));

    for (String path : List.of("/api/v1/restore", "/api/v1/restore?dry_run=true")) {
      TestServer.Reply reply = server.post(path, "{\"prefix\": \"global/tv\", \"revision\": " + revision + "}");
      assertThat(reply.status()).as(reply.body()).isEqualTo(409);
      assertThat(reply.json().get("message").asText()).isEqualTo("global/tv/volume is owned by git source 'fleet':"
          + " change global/tv.yaml in its repository instead; to undo the changes to global/tv since revision "
          + revision + ", run `git revert " + loudest + " " + louder + "` in its repository and push");
    }
    assertThat(server.revision()).isEqualTo(revision + 2);
  }

  @Test
  void consulApiWritesToOwnedKeysAnswer409NamingTheFile() {
    assertOwned(server.send("PUT", "/v1/kv/fleet/global/tv/volume", "31", "text/plain"), "global/tv/volume",
        "global/tv.yaml");
    assertOwned(server.send("PUT", "/v1/txn", "[{\"KV\": {\"Verb\": \"set\", \"Key\": \"fleet/global/tv/volume\","
        + " \"Value\": \"MzE=\"}}]", "application/json"), "global/tv/volume", "global/tv.yaml");
    assertThat(server.revision()).isEqualTo(revision);
  }

  @Test
  void aSecondSourceThatDefinesWhatTheFirstOwnsIsRefusedNamingBoth() throws Exception {
    server.close();
    TestGit other = TestGit.create(dir.resolve("other"));
    String clash = other.write(Map.of("global/tv.yaml", "volume: 99\n", "global/radio.yaml", "on: true\n"))
        .commit("Bob Stone <bob@example.org>", "radio, and tv too");
    other.push();
    server = TestServer.on(dir.resolve("data2")).withGit(new GitSettings(List.of(
        new GitSource("fleet", git.url(), "main", ""), new GitSource("radio", other.url(), "main", "")),
        Duration.ofMillis(200))).startNow();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.get("/api/v1/git/sources").json()
        .get("sources").get(1).get("state").asText()).isEqualTo("failed"));
    var refused = server.get("/api/v1/git/sources").json().get("sources").get(1).get("refused").get(0);
    assertThat(refused.get("commit").asText()).isEqualTo(clash);
    assertThat(refused.get("reason").asText())
        .isEqualTo("global/tv.yaml defines global/tv, which git source 'fleet' owns (global/tv.yaml)");
    assertThat(server.get("/api/v1/entries/global/tv/volume").json().get("value").asText()).isEqualTo("30");
    assertThat(server.get("/api/v1/entries/global/radio/on").status()).isEqualTo(404);
    other.close();
  }

  @Test
  void otherNamespacesScopesAndDevicesStayWritable() {
    assertThat(server.put("/api/v1/entries/global/other/x", "1").status()).isEqualTo(200);
    assertThat(server.put("/api/v1/entries/groups/site/porto/tv/volume", "1").status()).isEqualTo(200);
    assertThat(server.send("PUT", "/v1/kv/fleet/global/consul_ns/y", "2", "text/plain").status()).isEqualTo(200);
    assertThat(server.post("/api/v1/devices", "{\"id\": \"vv-09\", \"groups\": [\"site/lisbon\"]}").status())
        .isEqualTo(201);
    assertThat(server.revision()).isEqualTo(revision + 4);
  }
}
