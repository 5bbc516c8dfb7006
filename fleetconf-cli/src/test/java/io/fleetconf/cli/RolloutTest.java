package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staged rollouts with a real server and ten real agent processes, each writing its device's
 * {@code tv_api} config to a file and checking a little health endpoint that reads that file.
 * One story, in order: a good rollout goes canary, 50 %, 100 %; a bad one fails in its second wave
 * and is rolled back; pause, resume and abort; a restart in the middle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutTest {
  private static final int DEVICES = 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final TestServer server = TestServer.fresh();
  @TempDir static Path dir;
  private final List<Process> agents = new ArrayList<>();
  /** Devices whose health endpoint fails while their config says {@code mode: risky}. */
  private final Set<String> fragile = ConcurrentHashMap.newKeySet();
  private HttpServer health;

  private static String id(int device) {
    return String.format("vv-%02d", device);
  }

  private Path file(String device) {
    return dir.resolve(device).resolve("tv_api.json");
  }

  /** The device's file as written by its agent; empty before the first write. */
  private JsonNode config(String device) {
    try {
      return Files.exists(file(device)) ? JSON.readTree(Files.readString(file(device))) : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode(); // mid-rename: read again next time
    }
  }

  private static void eventually(String what, BooleanSupplier condition) {
    // generous: ten agent JVMs start on a loaded machine
    Eventually.eventually(Duration.ofSeconds(120), what, condition::getAsBoolean);
  }

  @BeforeAll
  void fleet() throws Exception {
    health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    health.createContext("/health/", exchange -> {
      String device = exchange.getRequestURI().getPath().substring("/health/".length());
      boolean sick = fragile.contains(device) && config(device).path("mode").asText().equals("risky");
      exchange.sendResponseHeaders(sick ? 500 : 200, -1);
      exchange.close();
    });
    health.start();
    server.put("/api/v1/entries/global/tv_api", "{\"mode\": \"safe\", \"level\": 1}");
    server.put("/api/v1/entries/plain/fleetconf/rollout-policies/staged", """
        {"waves": [{"groups": ["ring/canary"]}, {"percent": 50}, {"percent": 100}],
         "bakeSeconds": 2, "maxFailedPercent": 0}""");
    for (int device = 1; device <= DEVICES; device++) {
      String id = id(device);
      server.post("/api/v1/devices", "{\"id\": \"" + id + "\", \"groups\": [\"" + (device == 1 ? "ring/canary"
          : "ring/main") + "\"]}");
      Path home = Files.createDirectories(dir.resolve(id));
      String token = server.post("/api/v1/tokens", "{\"kind\": \"device\", \"device\": \"" + id + "\"}").json()
          .get("token").asText();
      Files.writeString(home.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: " + id + "\n"
          + "token: " + token + "\nstate_dir: " + home.resolve("state") + "\ndebounce: 100ms\n"
          + "outputs:\n  - name: tv_api\n    namespace: tv_api\n    format: json\n"
          + "    destination: " + file(id) + "\n    action: reload\n"
          + "actions:\n  reload:\n    command: \"true\"\n    health:\n"
          + "      url: http://127.0.0.1:" + health.getAddress().getPort() + "/health/" + id + "\n"
          + "      timeout: 2s\n      retries: 0\n      delay: 0s\n");
      startAgent(id);
    }
    for (int device = 1; device <= DEVICES; device++) {
      String id = id(device);
      try {
        eventually(id + " applied", () -> config(id).path("level").asInt() == 1 && reportedApplied(id));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; its agent said: " + Files.readString(dir.resolve(id).resolve("agent.log")), e);
      }
    }
  }

  private void startAgent(String id) throws IOException {
    List<String> command = ChildJvm.command(List.of("-Xmx64m"), Main.class.getName(),
        "agent", "--config", dir.resolve(id).resolve("agent.yaml").toString());
    agents.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(id).resolve("agent.log").toFile()).start());
  }

  private boolean reportedApplied(String id) {
    JsonNode reports = server.get("/api/v1/devices/" + id + "/reports").json().get("reports");
    return !reports.isEmpty() && reports.get(0).get("status").asText().equals("applied");
  }

  @AfterAll
  void stop() {
    agents.forEach(process -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    });
    if (health != null) {
      health.stop(0);
    }
  }

  private JsonNode rollout(String id) {
    return server.get("/api/v1/rollouts/" + id).json();
  }

  /** The devices of each wave, in order. */
  private List<List<String>> waves(JsonNode rollout) {
    List<List<String>> out = new ArrayList<>();
    rollout.get("waves").forEach(wave -> {
      List<String> devices = new ArrayList<>();
      wave.get("devices").forEach(d -> devices.add(d.asText()));
      out.add(devices);
    });
    return out;
  }

  /**
   * Watches the files until {@code done}: which devices ever had {@code field == value}, and
   * whether each had it only once its wave was released (the files are read before the rollout).
   */
  private Set<String> watch(String rolloutId, String field, String value, BooleanSupplier done) {
    Set<String> got = new TreeSet<>();
    List<List<String>> waves = waves(rollout(rolloutId));
    eventually("rollout " + rolloutId + " over", () -> {
      Map<String, Boolean> has = new HashMap<>();
      for (int device = 1; device <= DEVICES; device++) {
        has.put(id(device), config(id(device)).path(field).asText().equals(value));
      }
      int released = rollout(rolloutId).get("released").asInt();
      has.forEach((device, yes) -> {
        if (yes) {
          got.add(device);
          int wave = waveOf(waves, device);
          assertThat(wave).as(device + " has " + field + "=" + value + " before its wave was released")
              .isLessThan(released);
        }
      });
      return done.getAsBoolean();
    });
    return got;
  }

  private static int waveOf(List<List<String>> waves, String device) {
    for (int i = 0; i < waves.size(); i++) {
      if (waves.get(i).contains(device)) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  private String state(String rolloutId) {
    return rollout(rolloutId).get("state").asText();
  }

  @Test
  @Order(1)
  void goodChangeGoesCanaryThenHalfThenAllHonouringBakeTimes() {
    TestServer.Reply started = server.put("/api/v1/entries/global/tv_api/level?rollout=staged&message=level+2", "2");
    assertThat(started.status()).isEqualTo(202);
    String id = started.json().get("id").asText();
    List<List<String>> waves = waves(started.json());
    assertThat(waves).hasSize(3);
    assertThat(waves.get(0)).containsExactly("vv-01");
    assertThat(waves.get(1)).hasSize(5); // half of the nine others, rounded up
    assertThat(waves.get(2)).hasSize(4);
    assertThat(server.get("/api/v1/entries/global/tv_api/level").json().get("value").asInt()).isEqualTo(1);

    Set<String> got = watch(id, "level", "2", () -> state(id).equals("completed"));

    assertThat(got).hasSize(DEVICES);
    eventually("every file at level 2", () -> java.util.stream.IntStream.rangeClosed(1, DEVICES)
        .allMatch(d -> config(id(d)).path("level").asInt() == 2));
    assertThat(server.get("/api/v1/entries/global/tv_api/level").json().get("value").asInt()).isEqualTo(2);
    List<String> steps = history(id);
    assertThat(steps).hasSize(7);
    assertThat(steps.get(0)).startsWith("rollout " + id + " started (policy staged, 3 waves); wave 1 (ring/canary)"
        + " released to 1 device(s): level 2");
    assertThat(steps.get(6)).startsWith("rollout " + id + " completed (every wave applied and baked)");
    assertBaked(id);
  }

  /** The messages of the change sets that moved rollout {@code id} (its entry's history), oldest first. */
  private List<String> history(String id) {
    List<String> out = new ArrayList<>();
    server.get("/api/v1/history?prefix=plain/fleetconf/rollouts/" + id + "&limit=100").json().get("changeSets")
        .forEach(changeSet -> out.add(0, changeSet.get("message").asText()));
    return out;
  }

  /** Each wave was released at least the bake time after the previous one was seen applied everywhere. */
  private void assertBaked(String id) {
    List<Instant> baking = new ArrayList<>();
    List<Instant> released = new ArrayList<>();
    server.get("/api/v1/history?prefix=plain/fleetconf/rollouts/" + id + "&limit=100").json().get("changeSets")
        .forEach(changeSet -> {
          String message = changeSet.get("message").asText();
          Instant time = Instant.parse(changeSet.get("time").asText());
          if (message.contains("baking")) {
            baking.add(0, time);
          } else if (message.contains(") released to") || message.contains(" completed ")) {
            released.add(0, time);
          }
        });
    assertThat(baking).hasSize(3);
    for (int wave = 0; wave < baking.size(); wave++) {
      assertThat(Duration.between(baking.get(wave), released.get(wave + 1))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  @Order(2)
  void failingSecondWaveStopsAndRollsBackExactlyTheDevicesThatGotIt() {
    for (int device = 2; device <= DEVICES; device++) {
      fragile.add(id(device)); // the canary is fine with the change; the others are not
    }
    TestServer.Reply started = server.put("/api/v1/entries/global/tv_api/mode?rollout=staged", "\"risky\"");
    String id = started.json().get("id").asText();
    List<List<String>> waves = waves(started.json());

    Set<String> got = watch(id, "mode", "risky", () -> state(id).equals("rolled_back"));

    JsonNode done = rollout(id);
    assertThat(done.get("released").asInt()).isEqualTo(2);
    assertThat(done.get("reason").asText()).startsWith("wave 2 (50%): ").contains(" rolled_back (health check failed");
    Set<String> expected = new TreeSet<>(waves.get(0));
    expected.addAll(waves.get(1));
    assertThat(got).isSubsetOf(expected).contains("vv-01");
    eventually("every file back to mode safe", () -> java.util.stream.IntStream.rangeClosed(1, DEVICES)
        .allMatch(d -> config(id(d)).path("mode").asText().equals("safe")));
    assertThat(server.get("/api/v1/entries/global/tv_api/mode").json().get("value").asText()).isEqualTo("safe");
    assertThat(history(id).getLast()).startsWith("rollout " + id + " rolled back: wave 2 (50%): ");
    fragile.clear();
  }

  @Test
  @Order(3)
  void pauseHoldsTheNextWaveResumeGoesOnAbortTakesItBackAndWritesToItAreRefused() {
    String id = server.put("/api/v1/entries/global/tv_api/level?rollout=staged", "3").json().get("id").asText();
    assertThat(server.post("/api/v1/rollouts/" + id + "/pause", "{}").json().get("state").asText()).isEqualTo("paused");
    eventually("canary at level 3", () -> config("vv-01").path("level").asInt() == 3);
    // Another rollout with the same policy, not paused, gets past its canary's bake: the paused one must not have.
    String other = server.put("/api/v1/entries/global/tv_api/mode?rollout=staged", "\"calm\"").json().get("id").asText();
    eventually("rollout " + other + " released its second wave", () -> rollout(other).get("released").asInt() >= 2);
    JsonNode paused = rollout(id);
    assertThat(paused.get("released").asInt()).isEqualTo(1);
    assertThat(paused.has("bakingSince")).isFalse();

    TestServer.Reply refused = server.put("/api/v1/entries/global/tv_api/level", "4");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error").asText()).isEqualTo("held_by_rollout");
    assertThat(refused.json().get("message").asText())
        .isEqualTo("global/tv_api/level is held by rollout " + id + " (paused): wait for it, or abort or promote it first");
    assertThat(server.post("/api/v1/rollouts/" + id + "/pause", "{}").status()).isEqualTo(409);

    assertThat(server.post("/api/v1/rollouts/" + id + "/resume", "{}").json().get("state").asText())
        .isEqualTo("running");
    eventually("wave 2 released", () -> rollout(id).get("released").asInt() == 2);
    JsonNode aborted = server.post("/api/v1/rollouts/" + id + "/abort", "{}").json();
    assertThat(aborted.get("state").asText()).isEqualTo("aborted");
    assertThat(aborted.get("reason").asText()).isEqualTo("aborted by admin");
    eventually("every file back to level 2", () -> java.util.stream.IntStream.rangeClosed(1, DEVICES)
        .allMatch(d -> config(id(d)).path("level").asInt() == 2));
    assertThat(server.put("/api/v1/entries/global/tv_api/level?rollout=none", "4").status()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void aRestartInTheMiddleResumesTheRollout() {
    String id = server.put("/api/v1/entries/global/tv_api/level?rollout=staged", "5").json().get("id").asText();
    eventually("canary at level 5", () -> config("vv-01").path("level").asInt() == 5);
    server.stop();
    server.startAgainOnSamePort(); // the agents find it where they left it
    assertThat(state(id)).isEqualTo("running");
    eventually("rollout " + id + " completed", () -> state(id).equals("completed"));
    eventually("every file at level 5", () -> java.util.stream.IntStream.rangeClosed(1, DEVICES)
        .allMatch(d -> config(id(d)).path("level").asInt() == 5));
  }
}
