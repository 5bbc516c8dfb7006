package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long-polls over real HTTP. "Still held" is asserted after a later, unrelated answer has come
 * back: the hub handles change sets in order, so by then it has decided about the earlier one.
 */
class WatchTest {
  @RegisterExtension final TestServer server = TestServer.fresh().withWatchHistory(3);

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-3\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // revision 4
  }

  private CompletableFuture<Reply> watch(String device, String namespace, long index) {
    return server.getAsync("/api/v1/devices/" + device + "/config" + namespace + "?index=" + index + "&wait=60s");
  }

  /** A change to vv-3 alone, answered through a watch on vv-3: a barrier after earlier change sets. */
  private void barrier() throws Exception {
    long now = server.revision();
    CompletableFuture<Reply> marker = watch("vv-3", "/marker", now);
    server.put("/api/v1/entries/devices/vv-3/marker/at", Long.toString(now));
    assertThat(marker.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void answersAtOnceWhenTheViewChangedAfterTheIndex() throws Exception {
    Reply reply = watch("vv-1", "/common", 3).get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("revision").asLong()).isEqualTo(4);
    assertThat(reply.json().get("config").toString()).isEqualTo("{\"log_level\":\"info\"}");
    assertThat(reply.header("X-Fleetconf-Revision")).isEqualTo("4");
  }

  @Test
  void holdsUntilTheViewChangesThenAnswersWithTheNewView() throws Exception {
    CompletableFuture<Reply> held = watch("vv-1", "/common", 4);
    barrier();
    assertThat(held).isNotDone();
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    Reply reply = held.get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("config").get("log_level").asText()).isEqualTo("debug");
    assertThat(reply.json().get("revision").asLong()).isEqualTo(server.revision());
  }

  @Test
  void deviceOverrideWakesOnlyThatDevice() throws Exception {
    CompletableFuture<Reply> one = watch("vv-1", "", 4);
    CompletableFuture<Reply> two = watch("vv-2", "", 4);
    server.put("/api/v1/entries/devices/vv-1/common/dvr_ip", "\"10.1.0.9\"");
    assertThat(one.get(10, TimeUnit.SECONDS).json().get("config").get("common").get("dvr_ip").asText())
        .isEqualTo("10.1.0.9");
    barrier();
    assertThat(two).isNotDone();
  }

  @Test
  void groupValueWakesItsMembersAndNotOthers() throws Exception {
    CompletableFuture<Reply> lisbon = watch("vv-2", "/common", 4);
    CompletableFuture<Reply> porto = watch("vv-3", "/common", 4);
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    assertThat(lisbon.get(10, TimeUnit.SECONDS).json().get("config").get("dvr_ip").asText()).isEqualTo("10.1.0.1");
    CompletableFuture<Reply> marker = watch("vv-1", "/marker", server.revision());
    server.put("/api/v1/entries/devices/vv-1/marker/x", "1");
    marker.get(10, TimeUnit.SECONDS);
    assertThat(porto).isNotDone();
  }

  @Test
  void globalChangeShadowedByADeviceOverrideDoesNotWakeThatDevice() throws Exception {
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    long index = server.revision();
    CompletableFuture<Reply> shadowed = watch("vv-1", "/common", index);
    CompletableFuture<Reply> exposed = watch("vv-2", "/common", index);
    server.put("/api/v1/entries/global/common/log_level", "\"warning\"");
    assertThat(exposed.get(10, TimeUnit.SECONDS).json().get("config").get("log_level").asText()).isEqualTo("warning");
    barrier();
    assertThat(shadowed).isNotDone();
  }

  @Test
  void changeThatLeavesTheConfigIdenticalDoesNotWake() throws Exception {
    CompletableFuture<Reply> held = watch("vv-1", "", 4);
    server.put("/api/v1/entries/groups/site/lisbon/common/log_level", "\"info\""); // same as global
    barrier();
    assertThat(held).isNotDone();
  }

  @Test
  void otherNamespaceDoesNotWakeANamespaceWatch() throws Exception {
    CompletableFuture<Reply> common = watch("vv-1", "/common", 4);
    CompletableFuture<Reply> all = watch("vv-1", "", 4);
    server.put("/api/v1/entries/global/orchestrator/fps", "10");
    assertThat(all.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    barrier();
    assertThat(common).isNotDone();
  }

  @Test
  void waitEndsWithTheCurrentView() throws Exception {
    Reply reply = server.getAsync("/api/v1/devices/vv-1/config/common?index=4&wait=200ms").get(10, TimeUnit.SECONDS);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("revision").asLong()).isEqualTo(4);
    assertThat(reply.json().has("resync")).isFalse();
  }

  @Test
  void resumingFromAnOldRevisionGetsEverythingSince() throws Exception {
    server.put("/api/v1/entries/global/common/dvr_ip", "\"10.0.0.1\"");
    server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    Reply reply = watch("vv-1", "/common", 4).get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("config").toString()).isEqualTo("{\"dvr_ip\":\"10.1.0.1\",\"log_level\":\"debug\"}");
    assertThat(reply.json().get("revision").asLong()).isEqualTo(7);
  }

  @Test
  void indexAheadOfTheServerAnswersAtOnce() throws Exception {
    assertThat(watch("vv-1", "", 999).get(10, TimeUnit.SECONDS).json().get("revision").asLong()).isEqualTo(4);
  }

  @Test
  void rawPrefixWatchWakesOnChangesBelowItIncludingDeletes() throws Exception {
    CompletableFuture<Reply> held = server.getAsync("/api/v1/entries/global/common?recurse=true&index=4&wait=60s");
    server.put("/api/v1/entries/global/orchestrator/fps", "10");
    barrier();
    assertThat(held).isNotDone();
    server.delete("/api/v1/entries/global/common/log_level");
    Reply reply = held.get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("entries").size()).isZero();
    assertThat(reply.header("X-Fleetconf-Resync")).isNull();
  }

  @Test
  void resyncIsSignalledWhenHistoryNoLongerReachesBack() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.put("/api/v1/entries/global/orchestrator/fps", Integer.toString(i));
    }
    barrier();
    Reply reply = server.getAsync("/api/v1/entries/global/common?recurse=true&index=4&wait=60s")
        .get(10, TimeUnit.SECONDS);
    assertThat(reply.header("X-Fleetconf-Resync")).isEqualTo("true");
    assertThat(reply.json().get("entries").get(0).get("value").asText()).isEqualTo("info");
  }

  @Test
  void resyncIsSignalledForAnIndexFromBeforeARestart() throws Exception {
    server.restart();
    Reply reply = watch("vv-1", "/common", 2).get(10, TimeUnit.SECONDS);
    assertThat(reply.json().get("resync").asBoolean()).isTrue();
    assertThat(reply.header("X-Fleetconf-Resync")).isEqualTo("true");
    assertThat(reply.json().get("config").toString()).isEqualTo("{\"log_level\":\"info\"}");
    CompletableFuture<Reply> held = watch("vv-1", "/common", 4);
    barrier();
    assertThat(held).isNotDone();
  }

  @Test
  void serverSentEventsStreamEveryChangeAndResumeFromLastEventId() throws Exception {
    var lines = server.events("/api/v1/devices/vv-1/config/common", null);
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("id: 4");
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("event: config");
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("data: {");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
    String line;
    do {
      line = lines.poll(10, TimeUnit.SECONDS);
    } while (line != null && !line.startsWith("id: "));
    assertThat(line).isEqualTo("id: 5");

    var resumed = server.events("/api/v1/devices/vv-1/config/common?format=env", "5");
    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"error\"");
    assertThat(resumed.poll(10, TimeUnit.SECONDS)).isEqualTo("id: 6");
    assertThat(resumed.poll(10, TimeUnit.SECONDS)).isEqualTo("event: config");
    assertThat(resumed.poll(10, TimeUnit.SECONDS)).isEqualTo("data: LOG_LEVEL=error");
  }

  @Test
  void badWaitIsRefused() {
    Reply reply = server.get("/api/v1/devices/vv-1/config?index=1&wait=forever");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("message").asText())
        .isEqualTo("query parameter 'wait' must be a duration such as 30s, 5m or 500ms, was 'forever'");
  }

  /** A client that hangs up lets go of its watch at once, not when the wait would have ended (60 s). */
  @Test
  void aWatchWhoseClientHungUpIsLetGo() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
      socket.getOutputStream().write(("GET /api/v1/devices/vv-1/config?index=4&wait=60s HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nAuthorization: Bearer " + server.token() + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      server.awaitHeldWatches(1);
    }
    server.awaitHeldWatches(0);
    barrier(); // the hub still answers, and the watch that was let go was not woken by it
    assertThat(server.server().heldWatches()).isZero();
  }

  /** The same for an event stream: it is let go when the client hangs up, not at the next keep-alive (25 s). */
  @Test
  void anEventStreamWhoseClientHungUpIsLetGo() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
      socket.getOutputStream().write(("GET /api/v1/devices/vv-1/config?index=4 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Accept: text/event-stream\r\nAuthorization: Bearer " + server.token() + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      server.awaitHeldWatches(1);
    }
    server.awaitHeldWatches(0);
  }
}
