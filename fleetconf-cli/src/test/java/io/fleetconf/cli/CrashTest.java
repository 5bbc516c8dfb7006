package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Real server processes killed with SIGKILL in the middle of a stream of writes: what was
 * acknowledged survives, revisions stay gapless, no change set is half applied.
 * {@link ReplicaCrashTest} kills one of two PostgreSQL replicas.
 */
class CrashTest extends CrashTestSupport {
  /** Change sets the SQLite test sends in all, before and after the crash. */
  private static final int CHANGE_SETS = 2_000;
  private static final int WRITERS = 4;

  // SQLite: kill -9 under a stream of two-key change sets, then restart on the same data.

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
}
