package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * A real server, three real agent processes (separate JVMs, started as {@code fleetconf agent})
 * and three little services that reload on SIGHUP and answer a health check. The tests run in
 * order, as one story of a small fleet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.fresh();
  @TempDir static Path dir;
  private final List<Process> services = new ArrayList<>();
  private final Process[] agents = new Process[4];

  private Path home(int device) {
    return dir.resolve("vv-" + device);
  }

  private Path file(int device) {
    return home(device).resolve("config.yaml");
  }

  private List<String> reloads(int device) {
    Path log = home(device).resolve("reloads.log");
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Process java(Path log, String mainClass, String... args) throws IOException {
    List<String> command = ChildJvm.command(List.of("-Xmx96m"), mainClass, args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void eventually(String what, BooleanSupplier condition) {
    // generous: on a loaded machine an agent's JVM alone can take half a minute to start
    Eventually.eventually(Duration.ofSeconds(90), what, condition::getAsBoolean);
  }

  private String content(int device) {
    try {
      return Files.exists(file(device)) ? Files.readString(file(device)) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** What the device's current agent process has logged. */
  private String agentLog(int device) {
    try (var logs = Files.list(home(device))) {
      Path newest = logs.filter(p -> p.getFileName().toString().startsWith("agent-")).max(java.util.Comparator.naturalOrder())
          .orElseThrow();
      return Files.readString(newest);
    } catch (IOException e) {
      return "";
    }
  }

  /** How many times the device's agent has logged that it cannot reach the server. */
  private int unreachableLines(int device) {
    return (int) agentLog(device).lines().filter(line -> line.contains("cannot reach the server")).count();
  }

  private JsonNode status(int device) {
    for (JsonNode line : server.get("/api/v1/fleet/status").json().get("devices")) {
      if (line.get("id").asText().equals("vv-" + device)) {
        return line;
      }
    }
    throw new AssertionError("no vv-" + device + " in the fleet view");
  }

  private String metrics(int device) {
    try {
      return Files.readString(home(device).resolve("metrics.prom"));
    } catch (IOException e) {
      return "";
    }
  }

  private long reported(int device) {
    JsonNode namespaces = status(device).get("namespaces");
    return namespaces.isEmpty() ? -1 : namespaces.get(0).get("revision").asLong();
  }

  @BeforeAll
  void fleet() throws Exception {
    server.put("/api/v1/entries/global/tv_scheduler", """
        {"timezone": "Europe/Lisbon", "volume": 40, "night_mode": false, "healthy": true,
         "rules": [{"name": "news", "channel": 1, "days": ["mon", "tue"]}]}""");
    server.put("/api/v1/entries/global/common/dvr_ip", "\"10.0.0.10\"");
    Path template = dir.resolve("tv_scheduler.yaml.j2");
    Files.copy(Path.of(getClass().getResource("/tv_scheduler.yaml.j2").toURI()), template);
    for (int device = 1; device <= 3; device++) {
      server.post("/api/v1/devices", "{\"id\": \"vv-" + device + "\", \"groups\": [\"site/"
          + (device < 3 ? "lisbon" : "porto") + "\"]}");
      Path home = Files.createDirectories(home(device));
      services.add(java(home.resolve("service.out"), LittleService.class.getName(), file(device).toString(),
          home.resolve("service.pid").toString(), home.resolve("reloads.log").toString(),
          home.resolve("service.port").toString()));
      Path portFile = home.resolve("service.port");
      eventually("service " + device + " up", () -> Files.exists(portFile) && Files.exists(home.resolve("service.pid")));
      // vv-3 reloads through a slow command, so that a test can kill its agent while the action is due.
      String action = device == 3
          ? "    command: sleep 1.5 && kill -HUP $(cat " + home.resolve("service.pid") + ")\n"
          : "    signal: HUP\n    pid_file: " + home.resolve("service.pid") + "\n";
      Files.writeString(home.resolve("agent.yaml"), "server: " + server.uri() + "\n"
          + "device_id: vv-" + device + "\n"
          + "token: " + deviceToken(device) + "\n"
          + "state_dir: " + home.resolve("state") + "\n"
          + "debounce: 100ms\n"
          + "metrics_file: " + home.resolve("metrics.prom") + "\n"
          + "outputs:\n"
          + "  - name: tv_scheduler\n"
          + "    namespace: tv_scheduler\n"
          + "    template: " + template + "\n    template_mode: fleetconf\n"
          + "    destination: " + file(device) + "\n"
          + "    mode: \"0640\"\n"
          + "    check: \"! grep -q INVALID {path}\"\n"
          + "    action: reload\n"
          + "actions:\n"
          + "  reload:\n" + action
          + "    health:\n"
          + "      url: http://127.0.0.1:" + Files.readString(portFile) + "/health\n"
          + "      timeout: 2s\n"
          + "      retries: 2\n"
          + "      interval: 200ms\n"
          + "      delay: 300ms\n");
      startAgent(device);
    }
  }

  /** The device's own token, as an agent holds it: only its own calls mark a device seen. */
  private String deviceToken(int device) {
    return server.post("/api/v1/tokens", "{\"kind\": \"device\", \"device\": \"vv-" + device + "\"}").json()
        .get("token").asText();
  }

  private void startAgent(int device) throws IOException {
    agents[device] = java(home(device).resolve("agent-" + System.nanoTime() + ".log"), Main.class.getName(),
        "agent", "--config", home(device).resolve("agent.yaml").toString());
  }

  @AfterAll
  void stop() {
    for (Process process : agents) {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
    services.forEach(Process::destroyForcibly);
  }

  @Test
  @Order(1)
  void firstPassWritesEveryFileSignalsOnceAndReportsApplied() throws Exception {
    long revision = server.revision();
    for (int device = 1; device <= 3; device++) {
      int d = device;
      eventually("vv-" + d + " reports", () -> reported(d) == revision);
      eventually("vv-" + d + " reloaded", () -> reloads(d).size() == 1);
      assertThat(status(device).get("status").asText()).isEqualTo("applied");
      assertThat(status(device).get("drift").asBoolean()).isFalse();
      assertThat(Files.getPosixFilePermissions(file(device))).hasToString("[OWNER_READ, OWNER_WRITE, GROUP_READ]");
    }
  }

  @Test
  @Order(2)
  void templateRendersAsJinjaWould() {
    assertThat(content(3)).isEqualTo("""
        # tv_scheduler for vv-3, managed by fleetconf
        timezone: Europe/Lisbon
        volume: 40
        rules:
          - name: NEWS
            channel: 1
            days: mon,tue
        healthy: true
        dvr: 10.0.0.10:554
        """);
  }

  @Test
  @Order(3)
  void globalChangeRewritesEveryFileAndSignalsEachServiceOnce() throws Exception {
    server.put("/api/v1/entries/global/tv_scheduler/volume", "50");
    long revision = server.revision();
    for (int device = 1; device <= 3; device++) {
      int d = device;
      eventually("vv-" + d + " at volume 50", () -> content(d).contains("volume: 50"));
      eventually("vv-" + d + " reports " + revision, () -> reported(d) == revision);
      eventually("vv-" + d + " reloaded", () -> reloads(d).size() == 2);
    }
    Thread.sleep(500); // no second signal comes late
    for (int device = 1; device <= 3; device++) {
      assertThat(reloads(device)).containsExactly("reload volume: 40", "reload volume: 50");
    }
  }

  @Test
  @Order(4)
  void deviceOverrideRewritesOneFileAndLeavesTheOthersUntouched() throws Exception {
    byte[] two = Files.readAllBytes(file(2));
    FileTime twoTime = Files.getLastModifiedTime(file(2));
    FileTime threeTime = Files.getLastModifiedTime(file(3));
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "60");
    long revision = server.revision();
    eventually("vv-1 reports " + revision, () -> reported(1) == revision);
    assertThat(content(1)).contains("volume: 60");
    eventually("vv-1 reloaded", () -> reloads(1).size() == 3);
    Thread.sleep(300);
    assertThat(Files.readAllBytes(file(2))).isEqualTo(two);
    assertThat(Files.getLastModifiedTime(file(2))).isEqualTo(twoTime);
    assertThat(Files.getLastModifiedTime(file(3))).isEqualTo(threeTime);
    assertThat(reloads(2)).hasSize(2);
    assertThat(reloads(3)).hasSize(2);
    assertThat(status(2).get("drift").asBoolean()).isFalse();
  }

  @Test
  @Order(5)
  void changeThatMakesTheServiceUnhealthyIsRevertedAndReported() throws Exception {
    String before = content(2);
    server.put("/api/v1/entries/devices/vv-2/tv_scheduler/healthy", "false");
    eventually("vv-2 rolled back", () -> "rolled_back".equals(status(2).path("status").asText()));
    assertThat(status(2).get("namespaces").get(0).get("error").asText())
        .startsWith("health check failed: http://127.0.0.1:").contains("/health answered 500");
    assertThat(content(2)).isEqualTo(before);
    eventually("vv-2 reloaded back", () -> reloads(2).size() == 4);
    eventually("vv-2's metrics file says so", () -> metrics(2).contains(
        "fleetconf_agent_output_status{output=\"tv_scheduler\",status=\"rolled_back\"} 1\n"));
    assertThat(metrics(2)).contains("fleetconf_agent_health_check_failures_total{action=\"reload\"} 1\n",
        "fleetconf_agent_actions_total{action=\"reload\"} 4\n",
        "fleetconf_agent_output_status{output=\"tv_scheduler\",status=\"applied\"} 0\n",
        "# TYPE fleetconf_agent_last_pass_timestamp_seconds gauge\n");
    String health = Files.readString(home(2).resolve("agent.yaml")).lines()
        .filter(l -> l.contains("url:")).findFirst().orElseThrow().replaceAll(".*url: ", "");
    var http = java.net.http.HttpClient.newHttpClient();
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(health)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    server.delete("/api/v1/entries/devices/vv-2/tv_scheduler/healthy");
    long revision = server.revision();
    eventually("vv-2 applied again", () -> reported(2) == revision && "applied".equals(status(2).get("status").asText()));
    assertThat(reloads(2)).hasSize(4); // the file was already the good one: nothing to do
  }

  @Test
  @Order(6)
  void stagedFileThatFailsItsCheckIsNeverSwappedIn() throws Exception {
    String before = content(3);
    server.put("/api/v1/entries/devices/vv-3/tv_scheduler/timezone", "\"INVALID\"");
    eventually("vv-3 failed", () -> "failed".equals(status(3).path("status").asText()));
    assertThat(status(3).get("namespaces").get(0).get("error").asText())
        .startsWith("check failed: '! grep -q INVALID ");
    assertThat(content(3)).isEqualTo(before);
    long failedAt = server.revision();
    eventually("vv-3 logs why", () -> agentLog(3).contains("fleetconf-agent: tv_scheduler failed at revision " + failedAt
        + ": check failed: '! grep -q INVALID "));
    assertThat(agentLog(3).lines().filter(l -> l.contains("check failed")).count()).isEqualTo(1);
    try (var staged = Files.list(home(3))) {
      assertThat(staged.filter(p -> p.toString().endsWith(".fleetconf-tmp")).toList()).isEmpty();
    }
    server.delete("/api/v1/entries/devices/vv-3/tv_scheduler/timezone");
    long revision = server.revision();
    eventually("vv-3 applied again", () -> reported(3) == revision && "applied".equals(status(3).get("status").asText()));
  }

  @Test
  @Order(7)
  void agentsKeepTheirFilesWhileTheServerIsDownAndConvergeAfterItReturns() throws Exception {
    String one = content(1);
    int[] unreachable = new int[4];
    for (int device = 1; device <= 3; device++) {
      unreachable[device] = unreachableLines(device);
    }
    server.stop();
    for (int device = 1; device <= 3; device++) {
      int d = device;
      eventually("vv-" + d + " finds the server gone", () -> unreachableLines(d) > unreachable[d]);
    }
    for (int device = 1; device <= 3; device++) {
      assertThat(agents[device].isAlive()).isTrue();
    }
    assertThat(content(1)).isEqualTo(one);
    server.startAgainOnSamePort();
    server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
    long revision = server.revision();
    for (int device = 2; device <= 3; device++) {
      int d = device;
      eventually("vv-" + d + " at 70", () -> content(d).contains("volume: 70") && reported(d) == revision);
      eventually("vv-" + d + " reloaded", () -> reloads(d).stream().anyMatch(l -> l.equals("reload volume: 70")));
    }
    // The change does not concern vv-1 (its own override wins): it is not woken, its file stays,
    // and it is not behind either.
    eventually("vv-1 not drifting", () -> !status(1).get("drift").asBoolean()
        && reported(1) >= status(1).get("desiredRevision").asLong());
    assertThat(content(1)).isEqualTo(one);
  }

  @Test
  @Order(8)
  void killedAgentLeavesWholeFilesAndRunsTheDueActionWhenItStartsAgain() throws Exception {
    int reloadsBefore = reloads(3).size();
    server.put("/api/v1/entries/devices/vv-3/tv_scheduler/volume", "80");
    eventually("vv-3 file swapped", () -> content(3).contains("volume: 80"));
    // The reload for vv-3 is a slow command: the agent is inside it now. Kill everything, as a reboot would.
    agents[3].descendants().forEach(ProcessHandle::destroyForcibly);
    agents[3].destroyForcibly().waitFor();
    assertThat(reloads(3)).hasSize(reloadsBefore);
    assertThat(content(3)).endsWith("dvr: 10.0.0.10:554\n");

    startAgent(3);
    eventually("the due reload ran after the restart", () -> reloads(3).size() == reloadsBefore + 1);
    assertThat(reloads(3).get(reloadsBefore)).isEqualTo("reload volume: 80");

    // Kill it again in the middle of a burst of writes: the file is always one whole rendering.
    for (int i = 0; i < 20; i++) {
      server.put("/api/v1/entries/devices/vv-3/tv_scheduler/volume", Integer.toString(100 + i));
      if (i == 10) {
        agents[3].destroyForcibly().waitFor();
      }
    }
    assertThat(content(3)).startsWith("# tv_scheduler for vv-3").endsWith("dvr: 10.0.0.10:554\n");
    startAgent(3);
    long revision = server.revision();
    eventually("vv-3 converges", () -> content(3).contains("volume: 119") && reported(3) == revision);
  }

  @Test
  @Order(9)
  void fleetStatusCommandShowsReportedRevisionsAndDrift() throws Exception {
    for (int device = 1; device <= 3; device++) {
      int d = device;
      long desired = status(d).get("desiredRevision").asLong();
      try {
        eventually("vv-" + d + " up to date", () -> reported(d) >= desired);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; fleet view: " + status(d), e);
      }
    }
    var out = new java.io.StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new java.io.PrintWriter(out));
    int exit = commandLine.execute("fleet", "status", "--addr=" + server.uri(), "--token=" + server.token());
    assertThat(exit).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly(
        "DEVICE", "DESIRED", "REPORTED", "STATUS", "DRIFT", "STALE", "LAST", "SEEN", "ERROR");
    assertThat(lines).hasSize(4);
    for (int device = 1; device <= 3; device++) {
      String[] cells = lines.get(device).split("\\s+");
      assertThat(cells[0]).isEqualTo("vv-" + device);
      assertThat(cells[2]).isEqualTo(Long.toString(reported(device)));
      assertThat(cells[3]).isEqualTo("applied");
      assertThat(cells[4]).isEqualTo("no");
      assertThat(cells[5]).isEqualTo("no");
    }
  }
}
