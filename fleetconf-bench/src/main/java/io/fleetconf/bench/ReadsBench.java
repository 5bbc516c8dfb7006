package io.fleetconf.bench;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The effective-config reads benchmark: a fresh real server in this JVM with {@code devices}
 * registered devices (the fan-out run's tree), and for each format a separate load-generator JVM
 * ({@link ReadLoad}) reading configs at a fixed concurrency over keep-alive connections. Reports
 * reads per second, latency, and the CPU each JVM used over the measured window. See
 * {@code docs/performance.md}.
 */
final class ReadsBench {
  private static final List<String> HEADER = List.of("format", "client", "reads/s", "p50 ms", "p99 ms", "max ms", "reads",
      "errors", "server JVM CPU", "load JVM CPU", "server CPU µs/read");

  /** One row: what one client measured reading one format; CPU as cores used on average over the window. */
  record ReadRun(String format, String client, long reads, long errors, Distribution latency, long windowNanos, double serverCores,
      double loadCores) {
    double perSecond() {
      return reads * 1e9 / windowNanos;
    }
  }

  private ReadsBench() {}

  /** What a run measured: one outcome per client and format, the machine, and the settings in words. */
  record Reads(List<ReadRun> outcomes, List<String> machine, String settings, int expected) {
    boolean clean() {
      return outcomes.size() == expected && outcomes.stream().allMatch(o -> o.errors() == 0);
    }
  }

  static void main(String[] args) throws IOException {
    ReadsSettings settings = Options.orExit("fleetconf-bench reads", ReadsSettings.USAGE,
        () -> ReadsSettings.parse(args));
    Reads reads = measure(settings);
    System.out.print(text(reads.outcomes(), reads.machine(), reads.settings(), false));
    if (settings.report().isPresent()) {
      Path report = settings.report().get();
      Table.append(report, "## Effective-config reads, " + LocalDate.now() + "\n\n"
          + text(reads.outcomes(), reads.machine(), reads.settings(), true));
      System.err.println("appended to " + report);
    }
    System.exit(reads.clean() ? 0 : 1);
  }

  /** Starts a server, registers the devices and measures each client and format. */
  static Reads measure(ReadsSettings settings) throws IOException {
    List<String> machine = new ArrayList<>(Machine.describe());
    List<ReadRun> outcomes = new ArrayList<>();
    Path dataDir = Files.createTempDirectory("fleetconf-bench-reads-");
    try (FleetServer server = FleetServer.start(ServerSettings.of("127.0.0.1", 0, dataDir)
        .withTransport(new ServerSettings.Transport.PlainHttp()).withLimits(io.fleetconf.server.security.Limits.NONE))) {
      String token = server.bootstrapToken()
          .orElseThrow(() -> new BenchException("no admin token on a fresh data dir"));
      AdminClient admin = new AdminClient(server.uri(), token);
      Scenario.seed(admin);
      Duration took = Scenario.register(admin, settings.devices());
      System.err.printf("[reads] registered %d devices in %.1f s%n", settings.devices(), took.toNanos() / 1e9);
      // The server's JIT compiles the read path in the first seconds: one unmeasured run per format first.
      for (String format : settings.formats()) {
        if (settings.prime() > 0) {
          ReadRun primed = load(server, token, settings, 0, settings.prime(), format, "raw");
          System.err.printf("[reads] priming the server, %s: %.0f reads/s (not counted)%n", format, primed.perSecond());
        }
      }
      for (String client : settings.clients()) {
        for (String format : settings.formats()) {
          ReadRun outcome = load(server, token, settings, settings.warmup(), settings.seconds(), format, client);
          System.err.printf("[reads] %s, %s client: %.0f reads/s, p50 %.2f ms, p99 %.2f ms, %d errors;"
              + " CPU server %.2f, load %.2f%n", format, client, outcome.perSecond(), outcome.latency().p50() / 1e6,
              outcome.latency().p99() / 1e6, outcome.errors(), outcome.serverCores(), outcome.loadCores());
          outcomes.add(outcome);
        }
      }
    } finally {
      TempDirs.delete(dataDir);
    }
    machine.add("load average at the end: " + Machine.loadAverage());
    String described = String.format("%d devices registered; concurrency %d in a separate load JVM on the same cores"
        + " (one virtual thread and one keep-alive HTTP/1.1 connection each: client jdk, a JDK HttpClient each;"
        + " client raw, a plain socket each); a fresh load JVM per row, %d s warm-up, %d s measured; before the rows,"
        + " %d s of unmeasured raw-client load per format so that the server's JIT has compiled the read path",
        settings.devices(), settings.concurrency(), settings.warmup(), settings.seconds(), settings.prime());
    return new Reads(outcomes, machine, described, settings.formats().size() * settings.clients().size());
  }

  private static ReadRun load(FleetServer server, String token, ReadsSettings settings, int warmup, int seconds,
      String format, String client) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        ReadLoad.class.getName(), server.uri().toString(), token, Integer.toString(settings.devices()),
        Integer.toString(settings.concurrency()), Integer.toString(warmup), Integer.toString(seconds), format, client));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the load process", e);
    }
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      long cpuFrom = -1;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] fields = line.split(" ");
        if (fields[0].equals("measuring")) {
          cpuFrom = ProcessCpu.nanos();
        } else if (fields[0].equals("reads")) {
          long cpu = ProcessCpu.nanos() - cpuFrom; // the window closed a moment ago: slightly more than the window
          long window = Long.parseLong(fields[6]);
          ReadRun outcome = new ReadRun(format, client, Long.parseLong(fields[1]), Long.parseLong(fields[2]),
              new Distribution(Integer.parseInt(fields[1]), Long.parseLong(fields[3]), Long.parseLong(fields[4]),
                  Long.parseLong(fields[5])), window, (double) cpu / window, Double.parseDouble(fields[7]) / window);
          process.waitFor(30, TimeUnit.SECONDS);
          return outcome;
        } else {
          System.err.println("read load: " + line);
        }
      }
      throw new BenchException("the load process ended without a result (exit status "
          + (process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "?") + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }

  static String text(List<ReadRun> outcomes, List<String> machine, String settings, boolean markdown) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ReadRun o : outcomes) {
      rows.add(List.of(o.format(), o.client(), String.format("%,.0f", o.perSecond()), String.format("%.2f", o.latency().p50() / 1e6),
          String.format("%.2f", o.latency().p99() / 1e6), String.format("%.2f", o.latency().max() / 1e6),
          Long.toString(o.reads()), Long.toString(o.errors()), String.format("%.2f cores", o.serverCores()),
          String.format("%.2f cores", o.loadCores()),
          String.format("%.0f", o.serverCores() * o.windowNanos() / 1e3 / Math.max(1, o.reads()))));
    }
    StringBuilder out = new StringBuilder();
    String bullet = markdown ? "- " : "";
    machine.forEach(line -> out.append(bullet).append(line).append('\n'));
    out.append(bullet).append(settings).append("\n\n").append(Table.render(rows, markdown));
    return out.toString();
  }
}
