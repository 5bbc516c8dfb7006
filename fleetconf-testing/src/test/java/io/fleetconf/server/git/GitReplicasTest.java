package io.fleetconf.server.git;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Revision;
import io.fleetconf.git.GitSource;
import io.fleetconf.server.Replica;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import io.fleetconf.testing.TestDatabases;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas over one PostgreSQL following one Git source: one follows it, the others stand by,
 * refuse writes to what it owns, and take over when the follower's database session ends.
 */
@EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
@Timeout(120)
class GitReplicasTest {
  private static final Duration WITHIN = Duration.ofSeconds(15);
  @TempDir Path dir;
  private TestGit git;
  private String store;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void repository() {
    git = TestGit.create(dir);
    git.write(Map.of("global/tv.yaml", "volume: 30\n", "devices.yaml", "vv-01:\n  groups: [site/lisbon]\n"))
        .commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    store = TestDatabases.freshSchema();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : opened.reversed()) {
      closeable.close();
    }
    git.close();
  }

  @Test
  void oneReplicaFollowsAndWhenItDiesTheOtherTakesOverAndAppliesTheNextCommit() throws Exception {
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    TestServer a = replica("a", key, Optional.empty());
    TestServer b = replica("b", key, Optional.of(a.token()));
    eventually(WITHIN, () -> assertThat(List.of(state(a), state(b))).containsExactlyInAnyOrder("ok", "standby"));
    TestServer leader = state(a).equals("ok") ? a : b;
    TestServer standby = leader == a ? b : a;
    eventually(WITHIN, () -> assertThat(gitChangeSets(standby)).hasSize(1));
    assertOwned(standby.put("/api/v1/entries/global/tv/volume", "31"));
    assertThat(standby.put("/api/v1/entries/global/other/volume", "31").status()).isEqualTo(200);

    // The follower dies: its database session ends (as a killed process's does), then the server stops.
    TestDatabases.endSessionHolding(store, GitSources.leadershipName(new GitSource("fleet", git.url(), "main", "")));
    opened.remove(leader);
    leader.close();
    eventually(WITHIN, () -> assertThat(state(standby)).isEqualTo("ok"));
    String second = git.write("global/tv.yaml", "volume: 35\n").commit("Rui Sá <rui@example.org>", "louder");
    git.push();
    eventually(WITHIN, () -> assertThat(gitChangeSets(standby)).hasSize(2));
    assertThat(gitChangeSets(standby).get(1).get("commit").asText()).isEqualTo(second);
    assertThat(gitChangeSets(standby).get(1).get("message").asText()).isEqualTo("louder");
    assertThat(standby.get("/api/v1/entries/global/tv/volume").json().get("value").asInt()).isEqualTo(35);

    // A replica started now stands by, and refuses what the source owns as of the last commit.
    TestServer late = replica("c", key, Optional.of(a.token()));
    eventually(WITHIN, () -> assertThat(state(late)).isEqualTo("standby"));
    eventually(WITHIN, () -> assertThat(late.revision()).isEqualTo(standby.revision()));
    assertOwned(late.put("/api/v1/entries/global/tv/volume", "31"));
    assertThat(gitChangeSets(late)).hasSize(2);
  }

  private static void assertOwned(TestServer.Reply refused) {
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().get("error").asText()).isEqualTo("owned_by_git");
    assertThat(refused.json().get("message").asText()).isEqualTo(
        "global/tv/volume is owned by git source 'fleet': change global/tv.yaml in its repository instead");
  }

  @Test
  void twoFollowersRacingOnTheSameCommitsRecordEachCommitOnce() throws Exception {
    GitSource source = new GitSource("fleet", git.url(), "main", "");
    List<GitFollower> followers = List.of(follower(source, "x"), follower(source, "y"));
    List<String> commits = new ArrayList<>(List.of(git.head()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    opened.add(pool::shutdownNow);
    for (int round = 0; round < 6; round++) {
      if (round > 0) {
        commits.add(git.write("global/tv.yaml", "volume: " + (40 + round) + "\n")
            .commit("Ana Lima <ana@example.org>", "round " + round));
        if (round % 2 == 0) { // two commits for one poll, now and then
          commits.add(git.write("devices.yaml", "vv-0" + round + ":\n  groups: [site/lisbon]\n")
              .commit("Ana Lima <ana@example.org>", "registry " + round));
        }
        git.push();
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> polls = new ArrayList<>();
      for (GitFollower follower : followers) {
        polls.add(pool.submit(() -> {
          start.await();
          follower.poll();
          return null;
        }));
      }
      start.countDown();
      for (Future<?> poll : polls) {
        poll.get(60, TimeUnit.SECONDS);
      }
    }
    Store check = open();
    Map<String, Long> perCommit = check.changesSince(Revision.ZERO, 1000).stream()
        .collect(Collectors.groupingBy(cs -> cs.commit().orElseThrow(), Collectors.counting()));
    assertThat(perCommit).containsOnlyKeys(commits).allSatisfy((commit, count) -> assertThat(count).isEqualTo(1));
    assertThat(check.entries().stream().filter(e -> e.key().toString().equals("global/tv/volume")).findFirst()
        .orElseThrow().value().asInt()).isEqualTo(45);

    // A follower that starts later, with a clone of its own, goes on from the store's cursor.
    Revision before = check.revision();
    follower(source, "z").poll();
    assertThat(check.revision()).isEqualTo(before);
  }

  private GitFollower follower(GitSource source, String name) {
    Replica replica = new Replica(open());
    opened.add(replica);
    GitFollower follower = new GitFollower(source, io.fleetconf.git.GitCredentials.NONE, dir.resolve(name + ".git"),
        io.fleetconf.git.RepositoryLayout.FLEETCONF, replica, Clock.systemUTC(), (self, desired) -> { },
        io.fleetconf.git.Unsealer.NONE);
    opened.add(follower);
    return follower;
  }

  private Store open() {
    Store opened = StoreUrl.parse(store, Optional.empty()).open(Clock.systemUTC());
    this.opened.add(opened);
    return opened;
  }

  private TestServer replica(String name, Path key, Optional<String> token) {
    TestServer server = TestServer.on(dir.resolve(name)).withStore(store).withMasterKeyFile(key)
        .withGit(new GitSettings(List.of(new GitSource("fleet", git.url(), "main", "")), Duration.ofMillis(200)));
    token.ifPresent(server::withToken);
    opened.add(server);
    return server.startNow();
  }

  private static String state(TestServer server) {
    return server.get("/api/v1/git/sources").json().get("sources").get(0).get("state").asText();
  }

  private static List<JsonNode> gitChangeSets(TestServer server) {
    List<JsonNode> out = new ArrayList<>();
    server.get("/api/v1/history?limit=100").json().get("changeSets").forEach(cs -> {
      if (cs.path("source").asText().equals("git")) {
        out.add(0, cs); // oldest first
      }
    });
    return out;
  }
}
