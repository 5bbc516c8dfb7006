package io.fleetconf.server;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas over a PostgreSQL that goes away and comes back: a private cluster this test makes,
 * stops and starts (never the machine's shared one). While the database is down the replicas say
 * they are unready and refuse writes; when it is back they recover by themselves, and a device
 * that kept long-polling, as a real client does, ends up with every acknowledged change.
 */
// A request the server never answers must fail the test, not hang the build.
@Timeout(60)
class DatabaseRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path POSTGRES_BIN = PrivateCluster.POSTGRES_BIN;
  /** Noticing a lost database takes a failed LISTEN wait (about a second) plus a validity check. */
  private static final Duration NOTICE_OUTAGE = Duration.ofSeconds(10);
  /** Reconnection backs off up to 5 s between attempts. */
  private static final Duration RECOVER = Duration.ofSeconds(15);
  private static final Duration FOLLOW = Duration.ofSeconds(10);
  private static final String LOG_LEVEL = "/api/v1/entries/global/common/log_level";

  @TempDir Path dir;
  private PrivateCluster cluster;
  private final List<TestServer> replicas = new ArrayList<>();
  private Watcher watcher;

  @BeforeEach
  void startCluster() throws Exception {
    assumeTrue(Files.isExecutable(POSTGRES_BIN.resolve("pg_ctl")) && Files.isExecutable(POSTGRES_BIN.resolve("initdb")),
        "PostgreSQL 15 is not installed in " + POSTGRES_BIN + ": no private cluster to stop and start");
    assumeTrue(PrivateCluster.runuser().isPresent(), "runuser is not installed: cannot run PostgreSQL as 'postgres'");
    assumeTrue("root".equals(System.getProperty("user.name")),
        "not running as root: cannot run PostgreSQL as 'postgres' through runuser");
    cluster = PrivateCluster.create();
    cluster.start();
  }

  /** The watcher and the replicas first, so that nothing reconnects to a cluster being removed; the cluster always. */
  @AfterEach
  void stopEverything() {
    try {
      if (watcher != null) {
        watcher.close();
      }
      replicas.forEach(TestServer::close);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void replicasRideOutADatabaseRestartAndLoseNoAcknowledgedChange() throws Exception {
    startReplicas();
    TestServer a = replicas.get(0);
    TestServer b = replicas.get(1);
    Map<Long, String> acknowledged = new TreeMap<>();
    acknowledge(acknowledged, a.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"site/lisbon\"]}"), 201,
        "create device cam-1");
    watcher = Watcher.start(a, "cam-1", 1);
    put(acknowledged, a, LOG_LEVEL, "\"info\"");
    watcher.awaitConfig(json("{\"common\": {\"log_level\": \"info\"}}"), 2);

    cluster.stop();
    // Before or after B notices: its store fails, and that is a 503 too, not an acknowledgement.
    assertRefusedWhileUnready(b.put(LOG_LEVEL, "\"lost early\""));
    awaitHealth(a, 503, "unready", NOTICE_OUTAGE);
    awaitHealth(b, 503, "unready", NOTICE_OUTAGE);
    assertRefusedWhileUnready(a.put(LOG_LEVEL, "\"lost\""));
    assertRefusedWhileUnready(b.post("/api/v1/devices", "{\"id\": \"cam-lost\"}"));

    cluster.start();
    awaitHealth(a, 200, "ok", RECOVER);
    awaitHealth(b, 200, "ok", RECOVER);
    assertThat(a.revision()).as("the writes refused during the outage changed nothing").isEqualTo(2);
    assertThat(ReplicaHistory.of(b)).isEqualTo(acknowledged);

    // Written on B: A must be listening again (or catching up) to wake its watcher.
    put(acknowledged, b, LOG_LEVEL, "\"debug\"");
    put(acknowledged, b, "/api/v1/entries/global/common/dvr_ip", "\"10.0.0.1\"");
    put(acknowledged, b, "/api/v1/entries/devices/cam-1/common/channel", "7");
    // And on A, whose pooled connections all died with the old server process.
    put(acknowledged, a, "/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    JsonNode last = json("{\"common\": {\"channel\": 7, \"dvr_ip\": \"10.1.0.1\", \"log_level\": \"debug\"}}");

    watcher.awaitConfig(last, 6);
    assertThat(watcher.unavailable()).as("503s the watcher was answered while the database was down").isPositive();
    assertThat(watcher.seen()).as("revisions the watcher saw, in order")
        .isSortedAccordingTo(Comparator.comparingLong(Seen::revision))
        .noneMatch(seen -> seen.config().toString().contains("lost"));
    assertThat(acknowledged.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    for (TestServer replica : replicas) {
      assertThat(ReplicaHistory.of(replica)).isEqualTo(acknowledged);
      assertThat(replica.get("/api/v1/devices/cam-1/config").json().get("config")).isEqualTo(last);
      assertThat(replica.get("/api/v1/devices").json().get("devices").findValuesAsText("id")).containsExactly("cam-1");
    }
  }

  private void startReplicas() throws IOException {
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    TestServer first = TestServer.on(dir.resolve("replica-a")).withStore(cluster.storeUrl()).withMasterKeyFile(key)
        .startNow();
    replicas.add(first);
    replicas.add(TestServer.on(dir.resolve("replica-b")).withStore(cluster.storeUrl()).withMasterKeyFile(key)
        .withToken(first.token()).startNow());
  }

  private static void assertRefusedWhileUnready(Reply reply) {
    assertThat(reply.status()).as("answer %s", reply.body()).isEqualTo(503);
    assertThat(reply.json().get("error").asText()).isEqualTo("unavailable");
    assertThat(reply.header("Retry-After")).isEqualTo("1");
  }

  private static void put(Map<Long, String> acknowledged, TestServer through, String path, String value) {
    String key = path.substring("/api/v1/entries/".length());
    acknowledge(acknowledged, through.put(path, value), 200, "put " + key + " = " + json(value).asText());
  }

  /** Records what an acknowledged write did under the revision its answer gave. */
  private static void acknowledge(Map<Long, String> acknowledged, Reply reply, int status, String what) {
    assertThat(reply.status()).as("answer %s to '%s'", reply.body(), what).isEqualTo(status);
    assertThat(acknowledged.put(reply.json().get("revision").asLong(), what)).isNull();
  }

  /** Polls the health endpoint until it answers {@code status} with {@code state}, or fails at the deadline. */
  private static void awaitHealth(TestServer server, int status, String state, Duration within)
      throws InterruptedException {
    AtomicReference<Reply> health = new AtomicReference<>();
    eventually(within, () -> String.format("%s's health became %d %s; it is %d %s", server.uri(), status, state,
        health.get().status(), health.get().body()), () -> {
      health.set(server.get("/api/v1/health"));
      return health.get().status() == status && health.get().json().get("status").asText().equals(state)
          && server.get("/readyz").status() == status; // the readiness probe says the same
    });
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** One answer the watcher got: the revision and the device's config as of it. */
  record Seen(long revision, JsonNode config) {}

  /**
   * A device's long-poll loop as a real client runs it: it keeps the revision it last saw as its
   * index, and after an error or a 503 tries again with the same index after a short pause.
   */
  static final class Watcher implements AutoCloseable {
    private static final Duration PAUSE = Duration.ofMillis(100);
    private final TestServer server;
    private final String path;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final Thread thread;
    private volatile long index;

    private Watcher(TestServer server, String device, long index) {
      this.server = server;
      this.path = "/api/v1/devices/" + device + "/config";
      this.index = index;
      this.thread = Thread.ofVirtual().name("watcher-" + device).start(this::run);
    }

    static Watcher start(TestServer server, String device, long index) {
      return new Watcher(server, device, index);
    }

    private void run() {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Reply reply = server.getAsync(path + "?index=" + index + "&wait=10s").get(30, TimeUnit.SECONDS);
          if (reply.status() == 200) {
            JsonNode body = reply.json();
            seen.add(new Seen(body.get("revision").asLong(), body.get("config")));
            index = body.get("revision").asLong();
            continue;
          }
          if (reply.status() == 503) {
            unavailable.incrementAndGet();
          }
        } catch (ExecutionException | TimeoutException e) {
          // the connection failed or hung: as a 503, try again below
        } catch (InterruptedException e) {
          return;
        }
        try {
          Thread.sleep(PAUSE);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Waits until the latest answer is {@code config} as of {@code revision}. */
    void awaitConfig(JsonNode config, long revision) throws InterruptedException {
      Predicate<Seen> expected = s -> s.revision() == revision && s.config().equals(config);
      eventually(FOLLOW, () -> String.format("the watcher saw %s at revision %d; its answers: %s", config, revision, seen),
          () -> !seen.isEmpty() && expected.test(seen.getLast()));
    }

    List<Seen> seen() {
      return List.copyOf(seen);
    }

    int unavailable() {
      return unavailable.get();
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }
}
