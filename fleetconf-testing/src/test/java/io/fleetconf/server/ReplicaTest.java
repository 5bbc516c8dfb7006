package io.fleetconf.server;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.TestDatabases;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several servers over one PostgreSQL schema, as a deployment behind a load balancer runs them:
 * what one replica commits, the others serve and wake their watches for, and concurrent writes
 * through all of them make one gapless history that every replica answers alike.
 */
@EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
// A request the server never answers must fail the test, not hang the build.
@Timeout(60)
class ReplicaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int WRITERS = 3;
  private static final int CHANGE_SETS_PER_WRITER = 40;
  /** Where in its run each writer registers a device, through yet another replica. */
  private static final List<Integer> REGISTER_AT = List.of(13, 27);

  @TempDir Path dir;
  private final List<TestServer> replicas = new ArrayList<>();

  @AfterEach
  void stopReplicas() {
    replicas.forEach(TestServer::close);
  }

  @Test
  void watchesHeldOnOneReplicaAreAnsweredByAWriteOnAnother() throws Exception {
    startReplicas(2);
    TestServer a = replicas.get(0);
    TestServer b = replicas.get(1);
    assertThat(b.server().bootstrapToken()).isEmpty(); // the store had a token already: A's
    assertStatus(a.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}"), 201);
    assertStatus(a.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"site/porto\"]}"), 201);
    assertStatus(a.put("/api/v1/entries/global/common/log_level", "\"info\""), 200); // revision 3
    awaitRevision(3, b);

    CompletableFuture<Reply> config = b.getAsync("/api/v1/devices/cam-1/config?index=3&wait=60s");
    CompletableFuture<Reply> raw = b.getAsync("/api/v1/entries/global/common?recurse=true&index=3&wait=60s");
    barrier(a, b, 3); // revision 4, which concerns cam-2 alone
    assertThat(config).isNotDone();
    assertThat(raw).isNotDone();

    assertThat(a.put("/api/v1/entries/global/common/log_level", "\"debug\"").json().get("revision").asLong())
        .isEqualTo(5);

    Reply configReply = config.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertStatus(configReply, 200);
    assertThat(configReply.json().get("revision").asLong()).isEqualTo(5);
    assertThat(configReply.json().get("config")).isEqualTo(json("{\"common\": {\"log_level\": \"debug\"}}"));
    assertThat(configReply.header("X-Fleetconf-Revision")).isEqualTo("5");
    Reply rawReply = raw.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertStatus(rawReply, 200);
    assertThat(rawReply.header("X-Fleetconf-Resync")).isNull();
    assertThat(rawReply.json()).isEqualTo(json("{\"revision\": 5, \"entries\": [{\"key\": \"global/common/log_level\","
        + " \"scope\": \"global\", \"path\": \"common/log_level\", \"value\": \"debug\", \"createRevision\": 3,"
        + " \"modRevision\": 5, \"version\": 2}]}"));
  }

  @Test
  void interleavedWritesThroughThreeReplicasMakeOneGaplessHistoryThatEveryReplicaServesAlike() throws Exception {
    startReplicas(3);
    Map<Long, String> acknowledged = writeConcurrently();
    long last = WRITERS * (CHANGE_SETS_PER_WRITER + REGISTER_AT.size());

    assertThat(acknowledged.keySet()).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    awaitRevision(last, replicas.toArray(TestServer[]::new));
    for (TestServer replica : replicas) {
      assertThat(ReplicaHistory.of(replica)).isEqualTo(acknowledged);
    }
    assertThat(identicalOnEveryReplica("/api/v1/entries?recurse=true")).isEqualTo(expectedEntries(acknowledged, last));
    JsonNode devices = identicalOnEveryReplica("/api/v1/devices");
    assertThat(devices.get("revision").asLong()).isEqualTo(last);
    assertThat(devices.get("devices").findValuesAsText("id"))
        .containsExactly("dev-w0-13", "dev-w0-27", "dev-w1-13", "dev-w1-27", "dev-w2-13", "dev-w2-27");
    assertThat(devices.get("devices").get(3)).isEqualTo(json("{\"id\": \"dev-w1-27\", \"groups\": [\"site/w1\"],"
        + " \"labels\": {}}"));
    assertThat(identicalOnEveryReplica("/api/v1/devices/dev-w1-27/config")).isEqualTo(json("{\"device\": \"dev-w1-27\","
        + " \"revision\": " + last + ", \"config\": {\"load\": {\"w0\": 39, \"w1\": 39, \"w2\": 39}}}"));
  }

  /**
   * Each writer puts its own key {@value #CHANGE_SETS_PER_WRITER} times, each time through the
   * next replica, and registers a device now and then; all start at once, so that their commits
   * interleave across replicas.
   *
   * @return what each acknowledged write did, by the revision its answer gave
   */
  private Map<Long, String> writeConcurrently() throws Exception {
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < CHANGE_SETS_PER_WRITER; i++) {
            TestServer through = replicas.get((writer + i) % replicas.size());
            Reply put = through.put("/api/v1/entries/global/load/w" + writer, Integer.toString(i));
            assertStatus(put, 200);
            record(acknowledged, put, "put global/load/w" + writer + " = " + i);
            if (REGISTER_AT.contains(i)) {
              String id = "dev-w" + writer + "-" + i;
              Reply created = replicas.get((writer + i + 1) % replicas.size())
                  .post("/api/v1/devices", "{\"id\": \"" + id + "\", \"groups\": [\"site/w" + writer + "\"]}");
              assertStatus(created, 201);
              record(acknowledged, created, "create device " + id);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> writer : writers) {
        writer.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return new TreeMap<>(acknowledged);
  }

  /** Two answers with one revision would be a lost or doubled commit: fail at once. */
  private static void record(Map<Long, String> acknowledged, Reply reply, String what) {
    long revision = reply.json().get("revision").asLong();
    String earlier = acknowledged.putIfAbsent(revision, what);
    assertThat(earlier).as("revision %d was given to '%s' and to '%s'", revision, earlier, what).isNull();
  }

  /** The three load keys at their last value 39, each created and last changed where its writer was told. */
  private static JsonNode expectedEntries(Map<Long, String> acknowledged, long last) {
    StringBuilder entries = new StringBuilder();
    for (int w = 0; w < WRITERS; w++) {
      String key = "global/load/w" + w;
      entries.append(w == 0 ? "" : ", ").append("{\"key\": \"").append(key).append("\", \"scope\": \"global\",")
          .append(" \"path\": \"load/w").append(w).append("\", \"value\": ").append(CHANGE_SETS_PER_WRITER - 1)
          .append(", \"createRevision\": ").append(revisionOf(acknowledged, "put " + key + " = 0"))
          .append(", \"modRevision\": ").append(revisionOf(acknowledged, "put " + key + " = " + (CHANGE_SETS_PER_WRITER - 1)))
          .append(", \"version\": ").append(CHANGE_SETS_PER_WRITER).append('}');
    }
    return json("{\"revision\": " + last + ", \"entries\": [" + entries + "]}");
  }

  private static long revisionOf(Map<Long, String> acknowledged, String what) {
    return acknowledged.entrySet().stream().filter(e -> e.getValue().equals(what)).mapToLong(Map.Entry::getKey)
        .findFirst().orElseThrow(() -> new AssertionError("no acknowledged write '" + what + "'"));
  }

  /** The answer of the first replica, after checking that every other one answers exactly the same. */
  private JsonNode identicalOnEveryReplica(String path) {
    List<JsonNode> answers = new ArrayList<>();
    for (TestServer replica : replicas) {
      Reply reply = replica.get(path);
      assertStatus(reply, 200);
      answers.add(reply.json());
    }
    assertThat(answers).as("GET %s on each replica", path).allMatch(answer -> answer.equals(answers.get(0)));
    return answers.get(0);
  }

  /**
   * A change for {@code cam-2} alone, written on {@code writer} and seen through a watch on
   * {@code reader}: once it is answered, the reader's hub has decided about every earlier change
   * set, since it takes them in revision order.
   */
  private static void barrier(TestServer writer, TestServer reader, long now) throws Exception {
    CompletableFuture<Reply> marker = reader.getAsync("/api/v1/devices/cam-2/config/marker?index=" + now + "&wait=60s");
    assertStatus(writer.put("/api/v1/entries/devices/cam-2/marker/at", Long.toString(now)), 200);
    Reply reply = marker.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertStatus(reply, 200);
    assertThat(reply.json().get("config")).isEqualTo(json("{\"at\": " + now + "}"));
  }

  /**
   * Starts {@code count} replicas on one fresh schema, all with one master key; the first makes
   * the admin token, and the others are used with it.
   */
  /**
   * B commits right after A wrote a schema, before B's follower has heard of it: B's commit screen
   * finds its live state behind the database, catches up, and checks against A's schema.
   */
  @Test
  void aSchemaWrittenOnOneReplicaRefusesABreakingWriteThroughAnotherAtOnce() throws Exception {
    startReplicas(2);
    TestServer a = replicas.get(0);
    TestServer b = replicas.get(1);
    assertStatus(a.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}"), 201);
    awaitRevision(1, b);
    for (int round = 0; round < 5; round++) {
      String namespace = "ns" + round;
      assertStatus(a.put("/api/v1/entries/plain/fleetconf/schemas/" + namespace,
          "{\"properties\": {\"port\": {\"type\": \"integer\"}}}"), 200);
      Reply refused = b.put("/api/v1/entries/global/" + namespace + "/port", "\"eighty\"");
      assertStatus(refused, 400);
      assertThat(refused.json().get("message").asText()).contains("cam-1: " + namespace + "/port is \"eighty\"");
    }
    assertThat(a.revision()).isEqualTo(6);
  }

  private void startReplicas(int count) throws IOException {
    String store = TestDatabases.freshSchema();
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    TestServer first = TestServer.on(dir.resolve("replica-0")).withStore(store).withMasterKeyFile(key).startNow();
    replicas.add(first);
    for (int i = 1; i < count; i++) {
      replicas.add(TestServer.on(dir.resolve("replica-" + i)).withStore(store).withMasterKeyFile(key)
          .withToken(first.token()).startNow());
    }
  }

  /** Polls until every one of {@code servers} is at {@code revision}: they follow each other within a second. */
  private static void awaitRevision(long revision, TestServer... servers) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (TestServer server : servers) {
      eventually(Duration.ofNanos(deadline - System.nanoTime()), () -> String.format(
          "%s reached revision %d in time (it is at %d)", server.uri(), revision, server.revision()),
          () -> server.revision() == revision);
    }
  }

  private static void assertStatus(Reply reply, int status) {
    assertThat(reply.status()).as("status of an answer with body %s", reply.body()).isEqualTo(status);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
