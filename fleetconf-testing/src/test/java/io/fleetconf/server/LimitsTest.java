package io.fleetconf.server;

import static io.fleetconf.server.RawRequests.sendAlone;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.server.security.Limits;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Abuse that only a limit stops, over real HTTPS: change sets over the operation limit, a flood
 * from one token, watches over the cap. Each server here enforces one limit.
 */
class LimitsTest {
  @RegisterExtension static final TestServer tenPerChangeSet = TestServer.fresh().tls()
      .withLimits(new Limits(10, 0, 0, 64));
  /** One request a second per token, in bursts of up to four. */
  @RegisterExtension static final TestServer onePerSecond = TestServer.fresh().tls()
      .withLimits(new Limits(1000, 1, 0, 64));
  @RegisterExtension static final TestServer twoWatches = TestServer.fresh().tls()
      .withLimits(new Limits(1000, 0, 0, 2));

  private static final String KEY = "/api/v1/entries/global/a/b";
  private static final String CHANGES = "/api/v1/changes";
  private static final String JSON = "application/json";

  @Test
  void changeSetOverTheOperationLimitIsRefusedWhole() {
    String operator = "Bearer " + tenPerChangeSet.post("/api/v1/tokens",
        "{\"identity\": \"ops\", \"rules\": [\"write fleet/global/*\"]}").json().get("token").asText();
    long before = tenPerChangeSet.revision();
    Reply refused = tenPerChangeSet.send("POST", CHANGES, puts(11, "a").getBytes(), JSON, operator);
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.json().get("error").asText()).isEqualTo("too_many_operations");
    assertThat(refused.json().get("message").asText()).isEqualTo("a change set holds at most 10 operations, this one"
        + " has 11; split it, or send it with an admin token (up to 100000)");
    assertThat(tenPerChangeSet.revision()).isEqualTo(before);
    assertThat(tenPerChangeSet.get("/api/v1/entries/global/a?recurse=true").json().get("entries")).isEmpty();

    Reply ten = tenPerChangeSet.send("POST", CHANGES, puts(10, "a").getBytes(), JSON, operator);
    assertThat(ten.json().get("changes").asInt()).isEqualTo(10);
  }

  /** Issue 14 item 23: a large import by an admin stays one atomic change set, up to the planned-change ceiling. */
  @Test
  void anAdminChangeSetMayExceedTheOperationLimitUpToTheCeiling() {
    Reply admitted = tenPerChangeSet.post(CHANGES, puts(11, "b"));
    assertThat(admitted.status()).isEqualTo(200);
    assertThat(admitted.json().get("changes").asInt()).isEqualTo(11);
    Reply overCeiling = tenPerChangeSet.post(CHANGES, puts(100_001, "c"));
    assertThat(overCeiling.status()).isEqualTo(413);
    assertThat(overCeiling.json().get("message").asText())
        .isEqualTo("a change set holds at most 100000 operations, this one has 100001");
  }

  private static String puts(int count, String namespace) {
    return IntStream.range(0, count)
        .mapToObj(i -> "{\"op\": \"put\", \"key\": \"global/" + namespace + "/k" + i + "\", \"value\": " + i + "}")
        .collect(Collectors.joining(", ", "{\"operations\": [", "]}"));
  }

  @Test
  void floodFromOneTokenGets429AndStoresOnlyWhatWasAdmitted() {
    List<Reply> replies;
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<Reply>> sent = IntStream.range(0, 60)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> sendAlone(onePerSecond, "PUT",
              "/api/v1/entries/global/flood/n", Integer.toString(i).getBytes(StandardCharsets.UTF_8), JSON,
              "Bearer " + onePerSecond.token()), threads))
          .toList();
      replies = sent.stream().map(CompletableFuture::join).toList();
    }
    long admitted = replies.stream().filter(reply -> reply.status() == 200).count();
    List<Reply> limited = replies.stream().filter(reply -> reply.status() == 429).toList();
    assertThat(admitted).as("the burst of 4 s worth").isGreaterThanOrEqualTo(4);
    assertThat(limited).isNotEmpty().hasSize(60 - (int) admitted);
    for (Reply reply : limited) {
      assertThat(reply.header("Retry-After")).isEqualTo("1");
      assertThat(reply.json().get("error").asText()).isEqualTo("rate_limited");
      assertThat(reply.json().get("message").asText()).isEqualTo("too many requests for this token; retry after 1 s");
    }
    assertThat(onePerSecond.revision()).isEqualTo(admitted);
  }

  @Test
  void thirdWatchOverTheCapIsRefusedAtOnce() throws Exception {
    twoWatches.put(KEY, "1");
    String watch = "/api/v1/entries/global/a?recurse=true&index=" + twoWatches.revision() + "&wait=5s";
    List<CompletableFuture<Reply>> held = List.of(twoWatches.getAsync(watch), twoWatches.getAsync(watch));
    twoWatches.awaitHeldWatches(2);

    long start = System.nanoTime();
    Reply third = twoWatches.get(watch);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.header("Retry-After")).isEqualTo("5");
    assertThat(third.json().get("message").asText()).isEqualTo("this identity already holds 2 watches; close one first");

    long changed = twoWatches.put("/api/v1/entries/global/a/c", "2").json().get("revision").asLong();
    for (CompletableFuture<Reply> reply : held) {
      assertThat(reply.get(5, TimeUnit.SECONDS).json().get("revision").asLong()).isEqualTo(changed);
    }
    String next = "/api/v1/entries/global/a?recurse=true&index=" + changed + "&wait=100ms";
    assertThat(twoWatches.get(next).status()).as("the slots are free again").isEqualTo(200);
  }
}
