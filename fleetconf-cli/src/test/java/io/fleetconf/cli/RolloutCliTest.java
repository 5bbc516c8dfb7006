package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetconf rollout start|status|pause|resume|abort|promote}, and the policy a dry run names.
 * No agents here: nothing reports, so the rollout waits where the commands put it.
 */
class RolloutCliTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"));
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"ring/canary\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/plain/fleetconf/rollout-policies/tv_api",
        "{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"bakeSeconds\": 60}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDryRunNamesThePolicyTheWriteWouldGoOutWith() {
    long before = server.revision();
    CliRun run = CliRun.fleetconf(server, "kv", "put", "--dry-run", "--type", "json", "global/tv_api/port", "8081");
    assertThat(run.out()).isEqualTo("dry run: 1 change(s), 2 device(s) would change; nothing written\n"
        + "schema: ok\n"
        + "rollout: would go out in waves, policy 'tv_api'\n"
        + "changed: cam-1, cam-2\n"
        + "  ~ tv_api/port: 8080 -> 8081\n");
    assertThat(server.revision()).isEqualTo(before);
    CliRun none = CliRun.fleetconf(server, "kv", "put", "--dry-run", "--rollout", "none", "--type", "json",
        "global/tv_api/port", "8081");
    assertThat(none.out()).doesNotContain("rollout:");
  }

  @Test
  void aReplacingEntryIsNotHeldByARolloutButRefusedNamingIt() {
    assertThat(server.put("/api/v1/entries/global/tv_api/limits?replace=true&rollout=none", "{\"max\": 1}").status())
        .isEqualTo(200);
    long before = server.revision();
    CliRun held = CliRun.fleetconf(server, "kv", "put", "--type", "json", "global/tv_api/limits", "{\"max\": 2}");
    assertThat(held.status()).isEqualTo(1);
    assertThat(held.err()).isEqualTo("fleetconf: a rollout cannot hold a replacing entry (global/tv_api/limits):"
        + " write it at once with rollout=none (400)\n");
    CliRun replacing = CliRun.fleetconf(server, "kv", "put", "--replace", "--type", "json", "global/tv_api/new",
        "{\"a\": 1}");
    assertThat(replacing.err()).contains("a rollout cannot hold a replacing entry (global/tv_api/new)");
    assertThat(server.revision()).isEqualTo(before);
    CliRun atOnce = CliRun.fleetconf(server, "kv", "put", "--rollout", "none", "--type", "json", "global/tv_api/limits",
        "{\"max\": 2}");
    assertThat(atOnce.status()).as(atOnce.err()).isZero();
  }

  @Test
  void startStatusPausePromoteAndAbort() {
    CliRun started = CliRun.fleetconf(server, "rollout", "start", "--policy", "tv_api", "--type", "json",
        "global/tv_api/port", "8081", "-m", "new port");
    assertThat(started.status()).as(started.err()).isZero();
    String id = "r" + server.revision();
    assertThat(started.out()).isEqualTo("rollout " + id + ": running, wave 1 of 2 released (policy tv_api, bake 60s)\n"
        + "keys: global/tv_api/port\n"
        + "  released wave 1 (ring/canary): cam-1\n"
        + "           1 released, 0 applied, 0 failed, 0 silent, 1 pending, 0 gone\n"
        + "  waiting  wave 2 (100%): cam-2\n");
    assertThat(device("cam-1")).isEqualTo(8081);
    assertThat(device("cam-2")).isEqualTo(8080);

    assertThat(CliRun.fleetconf(server, "rollout", "status").out()).isEqualTo(
        "ID  STATE    WAVES  POLICY  KEYS\n" + id + "  running  1/2    tv_api  global/tv_api/port\n");
    assertThat(CliRun.fleetconf(server, "rollout", "pause", id).out()).startsWith("rollout " + id + ": paused");
    CliRun twice = CliRun.fleetconf(server, "rollout", "pause", id);
    assertThat(twice.status()).isEqualTo(1);
    assertThat(twice.err()).isEqualTo("fleetconf: rollout " + id + " is paused: cannot pause it (409)\n");
    CliRun held = CliRun.fleetconf(server, "kv", "put", "--rollout", "none", "--type", "json", "global/tv_api/port", "9");
    assertThat(held.err()).isEqualTo("fleetconf: global/tv_api/port is held by rollout " + id
        + " (paused): wait for it, or abort or promote it first (409)\n");
    assertThat(CliRun.fleetconf(server, "rollout", "promote", id).out()).contains("  released wave 2 (100%): cam-2\n");
    assertThat(device("cam-2")).isEqualTo(8081);
    assertThat(CliRun.fleetconf(server, "rollout", "abort", id).out())
        .startsWith("rollout " + id + ": aborted, wave 2 of 2 released").endsWith("reason: aborted by admin\n");
    assertThat(device("cam-1")).isEqualTo(8080);
    assertThat(device("cam-2")).isEqualTo(8080);
  }

  @Test
  void statusShowsEachReleasedWavesProgressAndDeadline() {
    server.put("/api/v1/entries/plain/fleetconf/rollout-policies/tv_api",
        "{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"waveTimeoutSeconds\": 600}");
    String id = server.put("/api/v1/entries/global/tv_api/port", "8081").json().get("id").asText();
    String deadline = server.get("/api/v1/rollouts/" + id).json().get("waves").get(0).get("deadline").asText();
    assertThat(CliRun.fleetconf(server, "rollout", "status", id).out()).isEqualTo("rollout " + id + ": running, wave 1"
        + " of 2 released (policy tv_api, bake 0s)\n"
        + "keys: global/tv_api/port\n"
        + "  released wave 1 (ring/canary): cam-1\n"
        + "           1 released, 0 applied, 0 failed, 0 silent, 1 pending, 0 gone; deadline " + deadline + "\n"
        + "  waiting  wave 2 (100%): cam-2\n");
  }

  @Test
  void aPolicyThatIsNotOneIsRefusedWhenWrittenNamingTheField() {
    long before = server.revision();
    CliRun run = CliRun.fleetconf(server, "kv", "put", "--type", "json", "plain/fleetconf/rollout-policies/fast",
        "{\"waves\": [{\"percent\": 50}, {\"percent\": 40}]}");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("fleetconf: rollout policy plain/fleetconf/rollout-policies/fast: waves[1].percent"
        + " must be an integer above the previous wave's (50) and at most 100, was 40 (400)\n");
    assertThat(server.revision()).isEqualTo(before);
  }

  private int device(String id) {
    return server.get("/api/v1/devices/" + id + "/config/tv_api").json().get("config").get("port").asInt();
  }
}
