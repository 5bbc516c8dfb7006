package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.TestDatabases;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real server processes killed with SIGKILL in the middle of a stream of writes: what was
 * acknowledged survives, revisions stay gapless, no change set is half applied, and a client on
 * two PostgreSQL replicas follows the writes through the one that is left without going back.
 */
class CrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Change sets the SQLite test sends in all, before and after the crash. */
  private static final int CHANGE_SETS = 2_000;
  private static final int WRITERS = 4;

  @TempDir Path dir;
  private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final List<ExecutorService> executors = new CopyOnWriteArrayList<>();

  @AfterEach
  void killEverything() {
    executors.forEach(ExecutorService::shutdownNow);
    closeables.forEach(closeable -> {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // clean-up: keep going
      }
    });
    servers.forEach(ServerProcess::close);
  }

  // ---------------------------------------------------------------------------------------------
  // (a) SQLite: kill -9 under a stream of two-key change sets, then restart on the same data.

  @Test
  void aServerKilledMidStreamKeepsEveryAcknowledgedChangeSetWholeAndItsRevisionsGapless() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    Random random = new Random(seed);
    int killAfter = 200 + random.nextInt(1301); // 200..1500 acknowledgements
    Path data = dir.resolve("data");
    ServerProcess first = ServerProcess.start(servers, data, dir.resolve("server-1.log"));
    String token = first.adminToken();

    Ledger ledger = new Ledger();
    AtomicInteger next = new AtomicInteger();
    ExecutorService writers = executor();
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Api api = api(first.uri(), token);
      running.add(writers.submit(() -> write(api, () -> {
        int id = next.getAndIncrement();
        return id < CHANGE_SETS ? id : -1;
      }, ledger)));
    }
    long start = System.nanoTime();
    while (ledger.acknowledged.size() < killAfter && running.stream().anyMatch(f -> !f.isDone())) {
      Thread.sleep(0, 200_000);
    }
    int exit = first.kill();
    int acknowledgedAtKill = ledger.acknowledged.size();
    for (Future<?> writer : running) {
      writer.get(60, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    String context = "seed " + seed + " (rerun with -Dcrash.seed=" + seed + "), kill after " + killAfter
        + " acknowledgements; acknowledged " + ledger.acknowledged.size() + " (" + acknowledgedAtKill
        + " when the server had died), in flight " + ledger.inFlight + ", refused " + ledger.refused.size();
    System.out.println("CrashTest SQLite: " + context + String.format("; %.1f change sets/s",
        ledger.acknowledged.size() / seconds));
    assertThat(exit).as("the server's exit status: SIGKILL, not a clean stop; " + context)
        .isEqualTo(ServerProcess.KILLED_BY_SIGKILL);
    assertThat(ledger.unexpected).as("answers that were neither 2xx nor a dead server; " + context).isEmpty();
    assertThat(ledger.acknowledged.size()).as(context).isGreaterThanOrEqualTo(killAfter).isLessThan(CHANGE_SETS);
    assertThat(ledger.inFlight.size()).as(context).isLessThanOrEqualTo(WRITERS);

    ServerProcess second = ServerProcess.start(servers, data, dir.resolve("server-2.log"));
    Api api = api(second.uri(), token);
    long n = checkStore(api, ledger, Set.copyOf(ledger.inFlight), context);
    assertThat(n).as("change sets in history after the crash; " + context)
        .isGreaterThanOrEqualTo(ledger.acknowledged.size())
        .isLessThanOrEqualTo(ledger.acknowledged.size() + ledger.inFlight.size());
    System.out.println("CrashTest SQLite: after the restart, history holds revisions 1.." + n + " ("
        + (n - ledger.acknowledged.size()) + " of the " + ledger.inFlight.size() + " in flight were committed)");

    // The restarted server goes on from revision n + 1 with the change sets not sent yet (and those
    // the dead server refused): all 2,000 but the few in flight at the kill are sent in all.
    Queue<Integer> rest = new ConcurrentLinkedQueue<>(ledger.refused);
    IntStream.range(Math.min(next.get(), CHANGE_SETS), CHANGE_SETS).forEach(rest::add);
    int resent = rest.size();
    Ledger after = new Ledger();
    List<Future<?>> resumed = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Api writer = api(second.uri(), token);
      resumed.add(writers.submit(() -> write(writer, () -> {
        Integer id = rest.poll();
        return id == null ? -1 : id;
      }, after)));
    }
    for (Future<?> writer : resumed) {
      writer.get(60, TimeUnit.SECONDS);
    }
    String afterContext = context + "; after the restart: " + resent + " sent, " + after.acknowledged.size()
        + " acknowledged";
    assertThat(after.unexpected).as(afterContext).isEmpty();
    assertThat(after.inFlight).as(afterContext).isEmpty();
    assertThat(after.refused).as(afterContext).isEmpty();
    assertThat(after.acknowledged).as(afterContext).hasSize(resent);
    assertThat(after.acknowledged.values().stream().sorted().toList()).as("revisions after the restart; " + afterContext)
        .isEqualTo(LongStream.rangeClosed(n + 1, n + resent).boxed().toList());
    Ledger all = new Ledger();
    all.acknowledged.putAll(ledger.acknowledged);
    all.acknowledged.putAll(after.acknowledged);
    long total = checkStore(api, all, Set.copyOf(ledger.inFlight), afterContext);
    assertThat(total).as(afterContext).isEqualTo(n + resent);
    assertThat(ledger.acknowledged.size() + ledger.inFlight.size() + resent).as(afterContext)
        .isEqualTo(CHANGE_SETS);
    System.out.println("CrashTest SQLite: " + resent + " more change sets through the restarted server, revisions "
        + (n + 1) + ".." + total);
  }

  /** What the writers sent: acknowledged (id to revision), sent but unanswered, refused, and odd answers. */
  private static final class Ledger {
    final Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
    final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
    final Set<Integer> refused = ConcurrentHashMap.newKeySet();
    final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
  }

  /**
   * Sends change set after change set, each on this writer's keep-alive connection, until {@code ids}
   * has none left (-1) or the server is gone: a refused connection never reached it; any other
   * failure leaves the change set in flight, committed or not.
   */
  private static Void write(Api api, IntSupplier ids, Ledger ledger) throws InterruptedException {
    for (int id; (id = ids.getAsInt()) >= 0; ) {
      ObjectNode body = JSON.createObjectNode().put("message", "crash test change set " + id);
      ArrayNode operations = body.putArray("operations");
      for (String part : List.of("a", "b")) {
        operations.addObject().put("op", "put").put("key", key(id, part)).put("value", value(id, part));
      }
      try {
        HttpResponse<String> response = api.send("POST", "/api/v1/changes", body.toString());
        if (response.statusCode() != 200) {
          ledger.unexpected.add("change set " + id + ": " + response.statusCode() + " " + response.body());
          return null;
        }
        JsonNode answer = JSON.readTree(response.body());
        if (answer.path("changes").asInt() != 2) {
          ledger.unexpected.add("change set " + id + ": " + response.body());
        }
        ledger.acknowledged.put(id, answer.get("revision").asLong());
      } catch (ConnectException refused) {
        ledger.refused.add(id);
        return null;
      } catch (IOException broken) {
        ledger.inFlight.add(id);
        return null;
      }
    }
    return null;
  }

  private static String key(int id, String part) {
    return String.format("global/crash/c%04d/%s", id, part);
  }

  private static String value(int id, String part) {
    return "change set " + id + ", part " + part;
  }

  /**
   * Checks history and entries against what was acknowledged: revisions 1..n without gaps, each
   * acknowledged change set at its revision with both its values, any other one of those that may
   * have been committed unanswered, also whole; and the entries hold exactly both keys of each.
   * Answers n.
   */
  private static long checkStore(Api api, Ledger ledger, Set<Integer> inFlight, String context) throws Exception {
    List<JsonNode> history = history(api);
    List<Long> revisions = history.stream().map(cs -> cs.get("revision").asLong()).toList();
    long n = revisions.size();
    assertThat(revisions).as("revisions in history, oldest first; " + context)
        .isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());
    assertThat(api.get("/api/v1/health").get("revision").asLong()).as(context).isEqualTo(n);

    Map<Integer, Long> committed = new TreeMap<>();
    for (JsonNode changeSet : history) {
      long revision = changeSet.get("revision").asLong();
      int id = Integer.parseInt(changeSet.get("message").asText().replace("crash test change set ", ""));
      assertThat(committed.put(id, revision)).as("change set " + id + " committed twice; " + context).isNull();
      Map<String, String> changes = new TreeMap<>();
      changeSet.get("changes").forEach(change -> changes.put(change.get("key").asText(), change.get("after").asText()));
      assertThat(changes).as("change set " + id + " at revision " + revision + "; " + context)
          .isEqualTo(Map.of(key(id, "a"), value(id, "a"), key(id, "b"), value(id, "b")));
    }
    Map<Integer, Long> acknowledged = new TreeMap<>(ledger.acknowledged);
    Map<Integer, Long> ackedAsCommitted = new TreeMap<>(committed);
    ackedAsCommitted.keySet().retainAll(acknowledged.keySet());
    assertThat(ackedAsCommitted).as("acknowledged change sets as history has them; " + context).isEqualTo(acknowledged);
    Set<Integer> unacknowledged = new HashSet<>(committed.keySet());
    unacknowledged.removeAll(acknowledged.keySet());
    assertThat(inFlight).as("committed change sets nobody acknowledged must be ones in flight; " + context)
        .containsAll(unacknowledged);

    Map<String, JsonNode> entries = new HashMap<>();
    api.get("/api/v1/entries/global/crash?recurse=true").get("entries")
        .forEach(entry -> entries.put(entry.get("key").asText(), entry));
    Map<String, String> expected = new TreeMap<>();
    committed.keySet().forEach(id -> List.of("a", "b").forEach(part -> expected.put(key(id, part), value(id, part))));
    Map<String, String> actual = new TreeMap<>();
    entries.forEach((key, entry) -> actual.put(key, entry.get("value").asText()));
    assertThat(actual).as("entries: both keys of every committed change set, and nothing else; " + context)
        .isEqualTo(expected);
    committed.forEach((id, revision) -> List.of("a", "b").forEach(part -> assertThat(
        entries.get(key(id, part)).get("modRevision").asLong()).as(key(id, part) + "; " + context).isEqualTo(revision)));
    return n;
  }

  /** Every change set, oldest first, a page of 1,000 at a time. */
  private static List<JsonNode> history(Api api) throws IOException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    String path = "/api/v1/history?limit=1000";
    while (true) {
      JsonNode page = api.get(path).get("changeSets");
      if (page.isEmpty()) {
        break;
      }
      page.forEach(all::add);
      path = "/api/v1/history?limit=1000&before=" + page.get(page.size() - 1).get("revision").asLong();
    }
    Collections.reverse(all);
    return all;
  }

  // ---------------------------------------------------------------------------------------------
  // (b) PostgreSQL: two replicas, one killed; a client with both follows through the other.

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

  // ---------------------------------------------------------------------------------------------

  private Api api(URI base, String token) {
    Api api = new Api(base, token);
    closeables.add(api);
    return api;
  }

  private ExecutorService executor() {
    ExecutorService executor = Executors.newCachedThreadPool();
    executors.add(executor);
    return executor;
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** One HTTP/1.1 client with a keep-alive connection, calling one server with one token. */
  private static final class Api implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String token;

    Api(URI base, String token) {
      this.base = base;
      this.token = token;
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token);
      if (json == null) {
        request.GET();
      } else {
        request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      http.shutdownNow();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
      HttpResponse<String> response = send("GET", path, null);
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    }
  }
}
