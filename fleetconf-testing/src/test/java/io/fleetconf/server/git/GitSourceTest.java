package io.fleetconf.server.git;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.git.GitSource;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server following a real repository: commits made and pushed with the real git command,
 * fetched every 200ms.
 */
class GitSourceTest {
  static final Duration POLL = Duration.ofMillis(200);
  static final String ANA = "Ana Lima <ana@example.org>";
  static final String BOB = "Bob Stone <bob@example.org>";
  @TempDir Path dir;
  TestGit git;
  TestServer server;

  /** All four scopes, two groups per device, every file format. */
  static final Map<String, String> FLEET = Map.of(
      "README.md", "# fleet config\n",
      "defaults/tv.env", "LOG_LEVEL=info\nVOLUME=10\n",
      "global/tv.yaml", "volume: 30\nrules:\n  quiet: [22, 7]\n",
      "groups/site/lisbon/tv.yaml", "volume: 40\ncity: Lisbon\n",
      "groups/tier/canary/tv.json", "{\"channel\": \"beta\", \"volume\": 45}\n",
      "groups/site/porto/tv.properties", "city=Porto\n",
      "devices/vv-01/tv.yaml", "volume: 60\n",
      "devices.yaml", "vv-01:\n  groups: [site/lisbon, tier/canary]\n  labels: {room: hall}\n"
          + "vv-02:\n  groups: [tier/canary, site/porto]\n");

  TestServer follow(String url) {
    server = TestServer.on(dir.resolve("data"))
        .withGit(new GitSettings(List.of(new GitSource("fleet", url, "main", "")), POLL)).startNow();
    return server;
  }

  /** A repository holding FLEET, pushed, and a server that has applied it; answers the commit. */
  String followTheFleet() {
    return followTheFleet(TestGit::url);
  }

  /** As {@link #followTheFleet()}, the server fetching from the URL {@code url} gives (a path, git://). */
  String followTheFleet(java.util.function.Function<TestGit, String> url) {
    git = TestGit.create(dir);
    String commit = git.write(FLEET).commit(ANA, "fleet as it stands");
    git.push();
    follow(url.apply(git));
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(1));
    // History reads the store, which has the change set a moment before the live state does; the
    // source says "applied" only once the live state has it too.
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.get("/api/v1/git/sources").json()
        .at("/sources/0/applied").asText()).isEqualTo(commit));
    return commit;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (git != null) {
      git.close();
    }
  }

  static JsonNode config(TestServer server, String device) {
    return server.get("/api/v1/devices/" + device + "/config").json().get("config");
  }

  List<JsonNode> gitChangeSets() {
    List<JsonNode> out = new ArrayList<>();
    server.get("/api/v1/history?limit=100").json().get("changeSets").forEach(cs -> {
      if (cs.path("source").asText().equals("git")) {
        out.add(0, cs); // oldest first
      }
    });
    return out;
  }

  @Test
  void aDeviceConfigIsWhatTheFilesSayForAllFourScopesAndTwoGroupsPerDevice() {
    followTheFleet();

    assertThat(config(server, "vv-01").get("tv").toString()).isEqualTo(
        "{\"log_level\":\"info\",\"volume\":60,\"rules\":{\"quiet\":[22,7]},\"city\":\"Lisbon\",\"channel\":\"beta\"}");
    assertThat(config(server, "vv-02").get("tv").toString()).isEqualTo(
        "{\"log_level\":\"info\",\"volume\":45,\"rules\":{\"quiet\":[22,7]},\"channel\":\"beta\",\"city\":\"Porto\"}");
    // The resolution a device following the repository itself will use gives the server's answer.
    for (String id : List.of("vv-01", "vv-02")) {
      assertThat(io.fleetconf.format.Json.write(io.fleetconf.git.Layout.read("", new java.util.TreeMap<>(FLEET))
          .effective(io.fleetconf.core.DeviceId.of(id)).tree())).isEqualTo(config(server, id).toString());
    }
    JsonNode device = server.get("/api/v1/devices/vv-01").json();
    assertThat(device.get("groups").toString()).isEqualTo("[\"site/lisbon\",\"tier/canary\"]");
    assertThat(device.get("labels").toString()).isEqualTo("{\"room\":\"hall\"}");
  }

  @Test
  void historyShowsOneChangeSetPerCommitWithItsAuthorSubjectAndId() {
    followTheFleet();

    String louder = git.write("global/tv.yaml", "volume: 35\nrules:\n  quiet: [22, 7]\n").commit(ANA, "louder everywhere");
    String readme = git.write("README.md", "# only words\n").commit(BOB, "docs only");
    String porto = git.write("groups/site/porto/tv.properties", "city=Porto\nvolume=50\n")
        .write("devices/vv-01/tv.yaml", null).commit(BOB, "porto louder, vv-01 back to its groups");
    git.push();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(3));
    List<JsonNode> sets = gitChangeSets();
    assertThat(sets.get(1).get("author").asText()).isEqualTo(ANA);
    assertThat(sets.get(1).get("message").asText()).isEqualTo("louder everywhere");
    assertThat(sets.get(1).get("commit").asText()).isEqualTo(louder);
    assertThat(sets.get(1).get("changes")).extracting(c -> c.get("key").asText()).containsExactly("global/tv/volume");
    assertThat(sets.get(2).get("author").asText()).isEqualTo(BOB);
    assertThat(sets.get(2).get("message").asText()).isEqualTo("porto louder, vv-01 back to its groups");
    assertThat(sets.get(2).get("commit").asText()).isEqualTo(porto);
    assertThat(sets.get(2).get("changes")).extracting(c -> c.get("key").asText())
        .containsExactly("devices/vv-01/tv/volume", "groups/site/porto/tv/volume");
    assertThat(sets).extracting(cs -> cs.get("commit").asText()).doesNotContain(readme);
    assertThat(config(server, "vv-01").get("tv").get("volume").asText()).isEqualTo("45");
    assertThat(server.get("/api/v1/git/sources").json().get("sources").get(0).get("applied").asText()).isEqualTo(porto);
  }

  @Test
  void aPushReachesAWatchingDeviceWithinThePollInterval() throws Exception {
    followTheFleet();
    long index = server.get("/api/v1/devices/vv-02/config").json().get("revision").asLong();
    CompletableFuture<TestServer.Reply> watch = server.getAsync("/api/v1/devices/vv-02/config?index=" + index);
    server.awaitHeldWatches(1);

    git.write("groups/tier/canary/tv.json", "{\"channel\": \"stable\", \"volume\": 45}\n").commit(BOB, "canary to stable");
    git.push();
    long pushed = System.nanoTime(); // from the moment the push is done, as a developer sees it
    JsonNode answer = watch.get(10, TimeUnit.SECONDS).json();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushed);

    assertThat(answer.get("config").get("tv").get("channel").asText()).isEqualTo("stable");
    // At most one poll interval, plus the fetch and the commit, with a margin for a busy machine.
    assertThat(tookMs).isLessThan(POLL.toMillis() + 800);
    System.out.println("push to device answer: " + tookMs + " ms (poll " + POLL.toMillis() + " ms)");
  }

  /** A Latin-1 file was read with U+FFFD for its accented letters and applied as such. */
  @Test
  void aNamespaceFileThatIsNotUtf8IsRefusedWhileOtherNonUtf8FilesAreLeftAlone() throws Exception {
    followTheFleet();
    java.nio.file.Files.write(git.workTree().resolve("README.md"), "caf\u00e9\n".getBytes(ISO_8859_1));
    java.nio.file.Files.write(git.workTree().resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff});
    String good = git.write("global/menu.properties", "dish=caf\u00e9\n").commit(BOB, "menu, readme, logo");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("applied").asText()).isEqualTo(good));
    assertThat(server.get("/api/v1/entries/global/menu/dish").json().get("value").asText()).isEqualTo("caf\u00e9");

    java.nio.file.Files.write(git.workTree().resolve("global/menu.properties"), "dish=th\u00e9\n".getBytes(ISO_8859_1));
    String latin1 = git.commit(BOB, "menu in Latin-1");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("state").asText()).isEqualTo("failed"));
    JsonNode refused = source().get("refused").get(0);
    assertThat(refused.get("commit").asText()).isEqualTo(latin1);
    assertThat(refused.get("file").asText()).isEqualTo("global/menu.properties");
    assertThat(refused.get("reason").asText())
        .isEqualTo("the file is not UTF-8 text; fleetconf reads namespace files as UTF-8 (save it as UTF-8)");
    assertThat(server.get("/api/v1/entries/global/menu/dish").json().get("value").asText()).isEqualTo("caf\u00e9");
  }

  @Test
  void aBrokenCommitIsSkippedWithItsReasonVisibleAndTheNextGoodOneApplies() {
    followTheFleet();
    String broken = pushABrokenCommit();
    JsonNode refused = source().get("refused").get(0);
    assertThat(refused.get("commit").asText()).isEqualTo(broken);
    assertThat(refused.get("subject").asText()).isEqualTo("oops");
    assertThat(refused.get("file").asText()).isEqualTo("global/tv.yaml");
    assertThat(refused.get("line").asInt()).isEqualTo(3);
    assertThat(refused.get("reason").asText()).startsWith("malformed YAML at line 3");
    assertThat(config(server, "vv-02").get("tv").get("rules").toString()).isEqualTo("{\"quiet\":[22,7]}");
    assertThat(gitChangeSets()).hasSize(1);

    String fixed = git.write("global/tv.yaml", "volume: 99\nrules:\n  quiet: [23, 7]\n").commit(BOB, "fix the rules");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("state").asText()).isEqualTo("ok"));
    assertThat(source().get("applied").asText()).isEqualTo(fixed);
    assertThat(gitChangeSets()).hasSize(2);
    assertThat(gitChangeSets().get(1).get("commit").asText()).isEqualTo(fixed);
    assertThat(config(server, "vv-02").get("tv").get("rules").toString()).isEqualTo("{\"quiet\":[23,7]}");
    assertThat(source().get("refused").get(0).get("commit").asText()).isEqualTo(broken);
  }

  @Test
  void aRefusedTipIsStillShownFailedWithItsReasonAfterARestart() {
    followTheFleet();
    String broken = pushABrokenCommit();

    server.restart();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().has("lastFetch")).isTrue());
    assertThat(source().get("state").asText()).isEqualTo("failed");
    JsonNode refused = source().get("refused").get(0);
    assertThat(refused.get("commit").asText()).isEqualTo(broken);
    assertThat(refused.get("file").asText() + ":" + refused.get("line").asInt()).isEqualTo("global/tv.yaml:3");
    assertThat(gitChangeSets()).hasSize(1);
  }

  @Test
  void aFailedSourceIsInTheHealthDetailWithCommitFileLineAndReasonAndTheServerStaysHealthy() {
    followTheFleet();
    String broken = pushABrokenCommit();

    TestServer.Reply health = server.send("GET", "/api/v1/health", null, null, null); // no token, as a load balancer
    assertThat(health.status()).isEqualTo(200);
    JsonNode body = health.json();
    assertThat(body.get("status").asText()).isEqualTo("ok");
    JsonNode fleet = body.get("git").get(0);
    assertThat(fleet.get("name").asText()).isEqualTo("fleet");
    assertThat(fleet.get("state").asText()).isEqualTo("failed");
    JsonNode failure = fleet.get("failure");
    assertThat(failure.get("commit").asText()).isEqualTo(broken);
    assertThat(failure.get("subject").asText()).isEqualTo("oops");
    assertThat(failure.get("file").asText() + ":" + failure.get("line").asInt()).isEqualTo("global/tv.yaml:3");
    assertThat(failure.get("reason").asText()).startsWith("malformed YAML at line 3");

    git.write("global/tv.yaml", "volume: 99\n").commit(BOB, "fixed");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.send("GET", "/api/v1/health", null, null,
        null).json().get("git").get(0).get("state").asText()).isEqualTo("ok"));
    assertThat(server.send("GET", "/api/v1/health", null, null, null).json().get("git").get(0).has("failure")).isFalse();
  }

  /** Pushes a commit whose global/tv.yaml does not parse (line 3), and waits until the source shows it failed. */
  String pushABrokenCommit() {
    String broken = git.write("global/tv.yaml", "volume: 99\nrules: [22, 7\n").commit(BOB, "oops");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("state").asText()).isEqualTo("failed"));
    return broken;
  }

  JsonNode source() {
    return server.get("/api/v1/git/sources").json().get("sources").get(0);
  }

  @Test
  void aForcePushIsAppliedAsOneChangeSetToTheNewTipAndSaysSo() {
    String base = followTheFleet();
    String dropped = git.write("global/tv.yaml", "volume: 31\nrules:\n  quiet: [22, 7]\n").commit(ANA, "31");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(2));

    git.resetHard(base);
    git.write("global/tv.yaml", "volume: 33\nrules:\n  quiet: [22, 7]\n").commit(BOB, "33 instead");
    String tip = git.write("groups/site/lisbon/tv.yaml", "city: Lisbon\n").commit(BOB, "lisbon follows global");
    git.forcePush();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(3));
    JsonNode forced = gitChangeSets().get(2);
    assertThat(forced.get("commit").asText()).isEqualTo(tip);
    assertThat(forced.get("author").asText()).isEqualTo(BOB);
    assertThat(forced.get("message").asText()).isEqualTo("lisbon follows global (force-push: main no longer holds "
        + dropped.substring(0, 12) + "; applied as one change set to " + tip.substring(0, 12) + ")");
    assertThat(forced.get("changes")).extracting(c -> c.get("key").asText())
        .containsExactly("global/tv/volume", "groups/site/lisbon/tv/volume");
    assertThat(config(server, "vv-01").get("tv").get("volume").asText()).isEqualTo("60");
    assertThat(config(server, "vv-02").get("tv").get("volume").asText()).isEqualTo("45");
    assertThat(server.get("/api/v1/entries/global/tv/volume").json().get("value").asText()).isEqualTo("33");
  }

  @Test
  void commitsPushedWhileTheServerWasDownAreAppliedOneByOneAfterItsRestart() {
    followTheFleet();
    server.stop();

    String first = git.write("global/tv.yaml", "volume: 31\n").commit(ANA, "31 while down");
    String second = git.write("global/tv.yaml", null).commit(BOB, "global tv file gone");
    git.push();
    server.startAgainOnSamePort();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(3));
    assertThat(gitChangeSets()).extracting(cs -> cs.get("commit").asText()).endsWith(first, second);
    assertThat(gitChangeSets().get(2).get("changes")).extracting(c -> c.get("key").asText())
        .containsExactly("global/tv/volume");
    assertThat(server.get("/api/v1/entries/global/tv/volume").status()).isEqualTo(404);
    // No file defines global/tv any more: it is the API's again.
    assertThat(server.put("/api/v1/entries/global/tv/volume", "5").status()).isEqualTo(200);
  }

  @Test
  void theRegistryMovesAddsAndRemovesDevicesInTheCommitsChangeSet() {
    followTheFleet();
    String moved = git.write("devices.yaml", "vv-01:\n  groups: [site/porto]\nvv-03: {}\n")
        .commit(ANA, "vv-01 to porto, vv-02 retired, vv-03 new");
    git.push();

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(2));
    JsonNode set = gitChangeSets().get(1);
    assertThat(set.get("commit").asText()).isEqualTo(moved);
    assertThat(set.get("changes")).extracting(c -> c.get("action").asText() + " " + c.get("device").asText())
        .containsExactly("update vv-01", "delete vv-02", "create vv-03");
    assertThat(server.get("/api/v1/devices/vv-02").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/devices/vv-03").json().get("groups").toString()).isEqualTo("[]");
    assertThat(config(server, "vv-01").get("tv").get("city").asText()).isEqualTo("Porto");
    assertThat(config(server, "vv-01").get("tv").get("volume").asText()).isEqualTo("60");
  }

  @Test
  void anUnreachableSourceIsShownUnreachableWithoutItsCredentialsAndChangesNothing() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    follow("http://bot:s3cret@127.0.0.1:" + closed + "/fleet.git");

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("state").asText()).isEqualTo("unreachable"));
    assertThat(source().get("url").asText()).isEqualTo("http://***@127.0.0.1:" + closed + "/fleet.git");
    assertThat(source().get("fetchError").asText())
        .startsWith("git source fleet=http://***@127.0.0.1:" + closed + "/fleet.git#main: cannot fetch: ")
        .doesNotContain("s3cret");
    assertThat(server.get("/api/v1/git/sources").body()).doesNotContain("s3cret");
    assertThat(server.revision()).isZero();
  }

  @Test
  void aRepositoryServedByGitDaemonIsFollowedOverTheGitProtocol() {
    followTheFleet(TestGit::serve);
    String next = git.write("global/tv.yaml", "volume: 32\n").commit(BOB, "32");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(gitChangeSets()).hasSize(2));
    assertThat(gitChangeSets().get(1).get("commit").asText()).isEqualTo(next);
    assertThat(source().get("url").asText()).startsWith("git://127.0.0.1:");
  }
}
