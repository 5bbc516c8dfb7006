package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.TestDatabases;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * PostgreSQL: two replicas, one killed with SIGKILL in the middle of a stream of writes; a client
 * with both follows the writes through the one that is left without going back.
 */
class ReplicaCrashTest extends CrashTestSupport {
  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  void aClientOnTwoReplicasFollowsTheWritesThroughTheOneLeftWhenTheOtherIsKilled() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    Random random = new Random(seed);
    int values = 300;
    int killAt = 50 + random.nextInt(200); // A dies after this many values, while the writer goes on,
    long killDelayMicros = random.nextLong(5_000); // and this much later: between writes or in the middle of one
    String store = TestDatabases.freshSchema();
    Path masterKey = dir.resolve("master.key");
    MasterKey.generate().writeNew(masterKey);
    String[] shared = {"--store", store, "--master-key-file", masterKey.toString()};
    ServerProcess a = ServerProcess.start(servers, dir.resolve("a"), dir.resolve("a.log"), shared);
    ServerProcess b = ServerProcess.start(servers, dir.resolve("b"), dir.resolve("b.log"), shared);
    assertThat(dir.resolve("b/admin.token")).as("the second replica finds the first one's admin token").doesNotExist();
    String admin = a.adminToken();
    Api viaA = api(a.uri(), admin);
    Api viaB = api(b.uri(), admin);
    assertThat(viaA.send("POST", "/api/v1/devices", "{\"id\": \"crash-1\", \"groups\": [\"site/lisbon\"]}")
        .statusCode()).isEqualTo(201);
    assertThat(viaA.send("PUT", "/api/v1/entries/global/crash/value", "0").statusCode()).isEqualTo(200);
    HttpResponse<String> issued = viaA.send("POST", "/api/v1/tokens", "{\"kind\": \"device\", \"device\": \"crash-1\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String deviceToken = JSON.readTree(issued.body()).get("token").asText();
    Api deviceOnB = api(b.uri(), deviceToken);
    awaitTrue(() -> deviceOnB.send("GET", "/api/v1/devices/crash-1/config", null).statusCode() == 200,
        "replica B to accept the device token made on A");

    record Seen(long revision, int value) {}
    List<Seen> seen = new CopyOnWriteArrayList<>();
    List<Long> answered = new CopyOnWriteArrayList<>();
    FleetconfClient client = FleetconfClient.builder().servers(a.uri().toString(), b.uri().toString())
        .deviceId("crash-1").token(deviceToken).connectTimeout(Duration.ofSeconds(1))
        .startTimeout(Duration.ofSeconds(10)).waitTime(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).start();
    closeables.add(client);
    client.listen("crash/value", change -> seen.add(new Seen(change.current().revision().value(),
        change.after().map(value -> Integer.parseInt(value.asText())).orElse(-1))));
    ClientPlumbing.get().onServerAnswer(client, config -> answered.add(config.revision().value()));
    assertThat(client.config().getInt("crash/value", -1)).isZero();
    long startRevision = client.config().revision().value();

    // The writer: values 1..K in turn through A, and through B once A fails, retrying the value in hand.
    Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
    Map<Integer, String> acknowledgedBy = new ConcurrentHashMap<>();
    List<Integer> retried = new CopyOnWriteArrayList<>();
    ExecutorService threads = executor();
    Future<?> writer = threads.submit(() -> {
      List<Api> replicas = List.of(viaA, viaB);
      int using = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int value = 1; value <= values; value++) {
        while (true) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no replica took value " + value + " within 60 s");
          }
          try {
            HttpResponse<String> response = replicas.get(using).send("PUT", "/api/v1/entries/global/crash/value",
                Integer.toString(value));
            if (response.statusCode() == 200) {
              acknowledged.put(value, JSON.readTree(response.body()).get("revision").asLong());
              acknowledgedBy.put(value, using == 0 ? "A" : "B");
              break;
            }
            retried.add(value); // e.g. 503 while a replica is not ready: try again
          } catch (IOException failed) {
            retried.add(value);
            using = (using + 1) % replicas.size();
          }
          Thread.sleep(10);
        }
        Thread.sleep(3);
      }
      return null;
    });
    Future<Integer> killer = threads.submit(() -> {
      while (acknowledged.size() < killAt && !writer.isDone()) {
        Thread.sleep(0, 200_000);
      }
      Thread.sleep(Duration.ofNanos(killDelayMicros * 1_000));
      return a.kill();
    });
    int exit = killer.get(60, TimeUnit.SECONDS);
    writer.get(90, TimeUnit.SECONDS);
    String context = "seed " + seed + " (rerun with -Dcrash.seed=" + seed + "), A killed " + killDelayMicros
        + " µs after value " + killAt + " was acknowledged; acknowledged by A " + acknowledgedBy.values().stream().filter("A"::equals).count()
        + ", by B " + acknowledgedBy.values().stream().filter("B"::equals).count() + "; retried " + retried;
    System.out.println("CrashTest PostgreSQL: " + context);
    assertThat(exit).as("A's exit status: SIGKILL; " + context).isEqualTo(ServerProcess.KILLED_BY_SIGKILL);
    assertThat(acknowledged).as(context).hasSize(values);
    assertThat(acknowledgedBy.values()).as(context).contains("A", "B");
    assertThat(IntStream.rangeClosed(1, values).mapToObj(acknowledgedBy::get).dropWhile("A"::equals)
        .allMatch("B"::equals)).as("A until the kill, B after it; " + context).isTrue();

    long finalRevision = viaB.get("/api/v1/health").get("revision").asLong();
    awaitTrue(() -> client.config().getInt("crash/value", -1) == values, "the client to reach value " + values
        + "; " + context + "; seen " + seen + "\nA:\n" + a.log() + "\nB:\n" + b.log());
    String clientContext = context + "; the listener saw " + seen.size() + " changes: " + seen;
    System.out.println("CrashTest PostgreSQL: final revision " + finalRevision + "; the listener saw " + seen.size()
        + " changes of the value, the client " + answered.size() + " answers");
    assertThat(client.config().revision().value()).as(clientContext).isEqualTo(finalRevision);
    assertThat(client.status().connected()).as(clientContext).isTrue();
    assertThat(seen).as(clientContext).isNotEmpty();
    assertThat(seen.getLast()).as("the listener saw the final config; " + clientContext)
        .isEqualTo(new Seen(finalRevision, values));
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).revision()).as("revisions the listener saw only grow; " + clientContext)
          .isGreaterThan(seen.get(i - 1).revision());
      assertThat(seen.get(i).value()).as("values the listener saw only grow; " + clientContext)
          .isGreaterThan(seen.get(i - 1).value());
    }
    assertThat(seen.getFirst().revision()).as(clientContext).isGreaterThan(startRevision);
    List<Long> answers = List.copyOf(answered);
    for (int i = 1; i < answers.size(); i++) {
      assertThat(answers.get(i)).as("the client's revision after each answer never goes back; " + answers)
          .isGreaterThanOrEqualTo(answers.get(i - 1));
    }

    // History on B: gapless, with every acknowledged write at its revision; the only extra change set
    // may be the value in hand when A died, committed by A and written again through B.
    List<JsonNode> history = history(viaB);
    List<Long> revisions = history.stream().map(cs -> cs.get("revision").asLong()).toList();
    assertThat(revisions).as("history on B; " + context)
        .isEqualTo(LongStream.rangeClosed(1, finalRevision).boxed().toList());
    Map<Long, Integer> valueAt = new TreeMap<>();
    for (JsonNode changeSet : history) {
      JsonNode change = changeSet.get("changes").get(0);
      if (change.get("kind").asText().equals("entry")) {
        assertThat(changeSet.get("changes")).as(context).hasSize(1);
        assertThat(change.get("key").asText()).as(context).isEqualTo("global/crash/value");
        valueAt.put(changeSet.get("revision").asLong(), change.get("after").asInt());
      }
    }
    acknowledged.forEach((value, revision) -> assertThat(valueAt.get(revision))
        .as("value " + value + " acknowledged at revision " + revision + "; " + context).isEqualTo(value));
    assertThat(valueAt).as(context).hasSizeBetween(values + 1, values + 2); // 0, 1..K, and maybe one twice
    List<Integer> inOrder = List.copyOf(valueAt.values());
    assertThat(inOrder).as("values in revision order; " + context).isSorted();
    Set<Integer> twice = inOrder.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())).entrySet()
        .stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toSet());
    assertThat(retried).as("a value in history twice was one retried after A died; " + context).containsAll(twice);
  }
}
