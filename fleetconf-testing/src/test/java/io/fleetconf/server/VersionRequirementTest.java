package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that need a software version (docs/safe-changes.md): a device whose agent reports less
 * keeps what it had and shows as held; a report that meets the requirement releases the value to
 * it, waking it alone. Agents' reports are sent through the API here, as agents send them.
 */
class VersionRequirementTest {
  private static final String LEVEL = "/api/v1/entries/global/tv_scheduler/level";
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void fleetOfThreeInOneGroup() throws Exception {
    server = TestServer.on(dir).startNow();
    for (String id : List.of("cam-1", "cam-2", "cam-3")) {
      server.post("/api/v1/devices", "{\"id\": \"" + id + "\", \"groups\": [\"site/porto\"]}");
    }
    server.put(LEVEL, "1");
    versions("cam-1", "{\"tv_scheduler\": \"2.4.1\"}");
    versions("cam-2", "{\"tv_scheduler\": \"2.2\"}"); // cam-3 reports nothing
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDeviceBelowTheRequiredVersionKeepsThePreviousValueAndIsShownHeld() {
    Reply put = server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2");
    assertThat(put.status()).as(put.body()).isEqualTo(200);

    assertThat(level("cam-1")).isEqualTo("2");
    assertThat(level("cam-2")).isEqualTo("1");
    assertThat(level("cam-3")).isEqualTo("1"); // no version reported: it does not meet it
    assertThat(server.get(LEVEL).json().get("value").toString()).isEqualTo("2"); // the entry holds the new value
    Map<String, List<String>> held = held("");
    assertThat(held).containsEntry("cam-1", List.of()).containsEntry("cam-2", List.of("tv_scheduler >= 2.3"))
        .containsEntry("cam-3", List.of("tv_scheduler >= 2.3"));
    assertThat(held("?status=held").keySet()).containsExactly("cam-2", "cam-3");
  }

  @Test
  void aReportThatMeetsTheRequirementReleasesTheValueAndWakesThatDevice() throws Exception {
    long revision = server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2").json().get("revision").asLong();
    CompletableFuture<Reply> cam2 = CompletableFuture.supplyAsync(() -> server.get(
        "/api/v1/devices/cam-2/config/tv_scheduler?index=" + revision + "&wait=20s"));
    CompletableFuture<Reply> cam3 = CompletableFuture.supplyAsync(() -> server.get(
        "/api/v1/devices/cam-3/config/tv_scheduler?index=" + revision + "&wait=10s"));
    server.awaitHeldWatches(2);

    assertThat(versions("cam-2", "{\"tv_scheduler\": \"2.3.0\", \"orchestrator\": \"1.0\"}").get("changed").asBoolean())
        .isTrue();

    assertThat(cam2.get(20, TimeUnit.SECONDS).json().get("config").get("level").toString()).isEqualTo("2");
    assertThat(cam3).as("cam-3's long-poll, not woken by cam-2's report").isNotDone();
    assertThat(level("cam-3")).isEqualTo("1"); // its long-poll is left to the server's close
    assertThat(held("").get("cam-2")).isEmpty();
    // the same versions again: nothing to write
    assertThat(versions("cam-2", "{\"orchestrator\": \"1.0\", \"tv_scheduler\": \"2.3.0\"}").get("changed").asBoolean())
        .isFalse();
  }

  @Test
  void aSecondRequirementKeepsDevicesBelowItAtTheValueTheFirstGaveThem() {
    server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2");
    server.put(LEVEL + requires("tv_scheduler >= 2.5"), "3");
    versions("cam-3", "{\"tv_scheduler\": \"2.10\"}"); // 2.10 is above 2.5

    assertThat(level("cam-1")).isEqualTo("2"); // 2.4.1: meets the first, not the second
    assertThat(level("cam-2")).isEqualTo("1");
    assertThat(level("cam-3")).isEqualTo("3");
    assertThat(held("").get("cam-1")).containsExactly("tv_scheduler >= 2.5");
  }

  @Test
  void aWriteThatDoesNotSayKeepsTheRequirementAndNoneDropsIt() {
    server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2");
    server.put(LEVEL, "5");
    assertThat(level("cam-1")).isEqualTo("5");
    assertThat(level("cam-2")).isEqualTo("1");

    server.put(LEVEL + requires("none"), "6");
    assertThat(level("cam-2")).isEqualTo("6");
    assertThat(server.get("/api/v1/entries/plain/fleetconf/requires/global/tv_scheduler/level").status())
        .isEqualTo(404);
  }

  @Test
  void deletingTheKeyTakesItsRequirementWithIt() {
    server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2");
    assertThat(server.delete(LEVEL).status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/plain/fleetconf/requires/global/tv_scheduler/level").status())
        .isEqualTo(404);
    server.put(LEVEL, "7"); // written again, for everyone
    assertThat(level("cam-2")).isEqualTo("7");
  }

  @Test
  void aConsulDeleteTakesTheRequirementWithItsKey() {
    server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2");
    assertThat(server.delete("/v1/kv/fleet/global/tv_scheduler/level").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/entries/plain/fleetconf/requires/global/tv_scheduler/level").status())
        .isEqualTo(404);
    server.put(LEVEL, "8"); // written again, for everyone: no requirement left to revive
    assertThat(level("cam-2")).isEqualTo("8");
  }

  @Test
  void rollingBackTheWriteTakesBackValueAndRequirementTogether() {
    long revision = server.put(LEVEL + requires("tv_scheduler >= 2.3"), "2").json().get("revision").asLong();
    Reply rollback = server.post("/api/v1/rollback", "{\"revision\": " + revision + "}");
    assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
    assertThat(level("cam-1")).isEqualTo("1");
    assertThat(level("cam-2")).isEqualTo("1");
    assertThat(held("").get("cam-2")).isEmpty();
  }

  /** A restore put the value back but left its requirement, which then held every later write back. */
  @Test
  void restoringTheSubtreeToBeforeTheRequirementTakesTheRequirementBackToo() {
    long before = server.put("/api/v1/entries/global/tv_scheduler/other", "1").json().get("revision").asLong();
    server.put(LEVEL + requires("tv_scheduler >= 9"), "2");
    Reply restore = server.post("/api/v1/restore", "{\"prefix\": \"global/tv_scheduler\", \"revision\": " + before
        + "}");
    assertThat(restore.status()).as(restore.body()).isEqualTo(200);
    assertThat(restore.json().get("changes").asInt()).isEqualTo(2);
    assertThat(server.get("/api/v1/entries/plain/fleetconf/requires/global/tv_scheduler/level").status())
        .isEqualTo(404);

    server.put(LEVEL, "3");
    assertThat(level("cam-2")).isEqualTo("3");
    assertThat(level("cam-3")).isEqualTo("3");
    assertThat(held("?status=held")).isEmpty();
  }

  @Test
  void aMalformedRequirementOrASecretIsRefusedAndNothingIsWritten() {
    long before = server.get("/api/v1/history").json().get("changeSets").get(0).get("revision").asLong();
    Reply malformed = server.put(LEVEL + requires("tv_scheduler => 2.3"), "2");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").asText()).isEqualTo("invalid_requirement");
    assertThat(malformed.json().get("message").asText()).isEqualTo("requirement 'tv_scheduler => 2.3' must read"
        + " <service> <op> <version>, such as 'tv_scheduler >= 2.3' (op: >=, >, <=, <, ==)");
    Reply secret = server.put("/api/v1/entries/global/tv_scheduler/key?secret=true&requires="
        + URLEncoder.encode("tv_scheduler >= 2.3", StandardCharsets.UTF_8), "\"s3cret\"");
    assertThat(secret.status()).isEqualTo(400);
    assertThat(secret.json().get("message").asText()).isEqualTo("global/tv_scheduler/key is a secret: it cannot need"
        + " a version (the value devices below it keep would be stored in the clear)");
    Reply badReport = server.post("/api/v1/devices/cam-1/versions", "{\"tv scheduler\": \"2\"}");
    assertThat(badReport.status()).isEqualTo(400);
    assertThat(server.get("/api/v1/history").json().get("changeSets").get(0).get("revision").asLong())
        .isEqualTo(before);
  }

  @Test
  void aDryRunShowsTheHeldDevicesUnchanged() {
    Reply dry = server.put(LEVEL + requires("tv_scheduler >= 2.3") + "&dry_run=true", "2");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    List<String> changed = new ArrayList<>();
    dry.json().get("impact").forEach(group -> group.get("devices").forEach(d -> changed.add(d.asText())));
    assertThat(changed).containsExactly("cam-1");
    assertThat(level("cam-1")).isEqualTo("1");
  }

  private static String requires(String requirement) {
    return "?requires=" + URLEncoder.encode(requirement, StandardCharsets.UTF_8);
  }

  private JsonNode versions(String device, String json) {
    Reply reply = server.post("/api/v1/devices/" + device + "/versions", json);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private String level(String device) {
    Reply reply = server.get("/api/v1/devices/" + device + "/config/tv_scheduler");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("config").get("level").toString();
  }

  /** Each device of the fleet status (with {@code query}) and what it is held for. */
  private Map<String, List<String>> held(String query) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    server.get("/api/v1/fleet/status" + query).json().get("devices").forEach(device -> {
      List<String> needs = new ArrayList<>();
      device.get("held").forEach(n -> needs.add(n.asText()));
      out.put(device.get("id").asText(), needs);
    });
    return out;
  }
}
