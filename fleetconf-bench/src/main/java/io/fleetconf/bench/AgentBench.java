package io.fleetconf.bench;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's cost on a device and its speed: a real server in this JVM, one real lean agent
 * process (the {@code fleetconf-agent} launcher with its small-box JVM settings, running
 * {@code fleetconf-agent.jar}) rendering a {@code .env} file. Measures the time from the start of a
 * write on the server to the new bytes in the file over 100 changes after 5 warm-up ones, the
 * agent's resident memory after them, then its resident memory and CPU time while it sits idle,
 * holding its long-poll.
 *
 * <p>Arguments: the path of the launcher ({@code fleetconf-agent/src/dist/bin/fleetconf-agent}), the
 * idle window (e.g. {@code 10m}), and optionally options separated by commas: {@code nmt} runs the
 * agent with native memory tracking and prints its summary and the largest mappings of its memory at
 * the end (tracking costs some memory itself: take RSS figures from a run without it);
 * {@code template} renders the file from a Jinja template instead of the {@code env} format, which
 * shows the template engine's share.
 */
public final class AgentBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static final int CHANGES = 100;

  /**
   * What the agent measured: change-to-file latency over {@link #CHANGES} changes, its resident
   * memory after them, and over the idle window that follows its resident memory at the end and the
   * CPU time it used.
   */
  record AgentRun(Distribution changeToFile, Duration idle, long rssAfterChangesKib, long rssEndKib, double cpuSeconds) {
    double cpuPercentOfOneCore() {
      return 100.0 * cpuSeconds / idle.toSeconds();
    }
  }

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args.length > 0 ? args[0] : "fleetconf-agent/src/dist/bin/fleetconf-agent");
    Duration idle = args.length > 1 ? Duration.parse("PT" + args[1].toUpperCase()) : Duration.ofMinutes(10);
    java.util.List<String> options = args.length > 2 ? java.util.List.of(args[2].split(",")) : java.util.List.of();
    AgentRun outcome = measure(launcher, idle, options.contains("nmt"), options.contains("template"));
    System.out.printf("change to file (%d changes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", CHANGES,
        outcome.changeToFile().p50() / 1e6, outcome.changeToFile().p99() / 1e6, outcome.changeToFile().max() / 1e6);
    System.out.printf("agent RSS after %d changes %d KiB; idle over %s: RSS %d KiB at the end, CPU %.2f s"
        + " (%.3f%% of one core)%n", CHANGES, outcome.rssAfterChangesKib(), idle, outcome.rssEndKib(),
        outcome.cpuSeconds(), outcome.cpuPercentOfOneCore());
  }

  static AgentRun measure(Path launcher, Duration idle) throws Exception {
    return measure(launcher, idle, false, false);
  }

  /** Starts a server and a real agent process ({@code launcher --config ...}) and measures it. */
  static AgentRun measure(Path launcher, Duration idle, boolean nmt, boolean template) throws Exception {
    Path dir = Files.createTempDirectory("fleetconf-agent-bench");
    try (FleetServer server = FleetServer.start(ServerSettings.of("127.0.0.1", 0, dir.resolve("server"))
        .withTransport(new ServerSettings.Transport.PlainHttp()).withLimits(io.fleetconf.server.security.Limits.NONE))) {
      String token = server.bootstrapToken().orElseThrow();
      call(server, token, "POST", "/api/v1/devices", "{\"id\": \"vv-1\"}");
      call(server, token, "PUT", "/api/v1/entries/global/common/log_level", "\"info\"");
      Path env = dir.resolve("service.env");
      Path config = dir.resolve("agent.yaml");
      Files.writeString(dir.resolve("service.env.tmpl"), "LOG_LEVEL={{ common.log_level }}\n");
      String rendering = template ? "template: " + dir.resolve("service.env.tmpl") : "format: env";
      Files.writeString(config, "server: " + server.uri() + "\ndevice_id: vv-1\ntoken: " + token + "\n"
          + "state_dir: " + dir.resolve("state") + "\ndebounce: 1ms\n"
          + "outputs:\n  - name: env\n    namespace: common\n    " + rendering + "\n    destination: " + env + "\n");
      ProcessBuilder start = new ProcessBuilder(launcher.toString(), "--config", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
      if (nmt) {
        start.environment().put("FLEETCONF_AGENT_JAVA_OPTS", "-XX:NativeMemoryTracking=summary");
      }
      Process agent = start.start();
      try {
        waitFor(env, "LOG_LEVEL=info");
        Distribution latencies = changes(server, token, env);
        long pid = agent.pid();
        Thread.sleep(5000);
        long cpuBefore = cpuTicks(pid);
        long rssAfterChanges = rssKb(pid);
        Thread.sleep(idle);
        long cpuAfter = cpuTicks(pid);
        long rssAfter = rssKb(pid);
        if (nmt) {
          AgentMemory.print(pid);
        }
        double cpuSeconds = (cpuAfter - cpuBefore) / 100.0; // USER_HZ is 100 on Linux
        return new AgentRun(latencies, idle, rssAfterChanges, rssAfter, cpuSeconds);
      } finally {
        agent.destroy();
      }
    }
  }

  /** 5 warm-up changes, then {@link #CHANGES} measured ones, each waited for in the rendered file. */
  private static Distribution changes(FleetServer server, String token, Path env) throws Exception {
    long[] latencies = new long[CHANGES];
    for (int round = 0; round < CHANGES + 5; round++) {
      String value = "v" + round;
      long start = System.nanoTime();
      call(server, token, "PUT", "/api/v1/entries/global/common/log_level", "\"" + value + "\"");
      waitFor(env, "LOG_LEVEL=" + value);
      if (round >= 5) {
        latencies[round - 5] = System.nanoTime() - start;
      }
      Thread.sleep(100);
    }
    return Distribution.of(latencies);
  }

  private static void call(FleetServer server, String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static void waitFor(Path file, String line) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(line)) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new IllegalStateException(file + " never held " + line);
  }

  private static long rssKb(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
  }

  private AgentBench() {}
}
