package io.fleetconf.bench.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.fleetconf.bench.ClosedLoop;
import io.fleetconf.bench.Distribution;
import io.fleetconf.bench.Machine;
import io.fleetconf.bench.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * etcd measured the way fleetconf's own bench measures fleetconf, on the same machine: watch
 * fan-out, the put's latency under watch load, durable writes and reads. Each scenario starts its
 * own etcd ({@link EtcdServer}). Run as {@code ./fleetconf-bench/run etcd ...}; see
 * {@code docs/performance.md}, "etcd, same machine".
 */
public final class EtcdBench {
  private static final long CALL_TIMEOUT_SECONDS = 60;
  private static final String BENCH_PREFIX = "/fleet/bench/";
  private static final String MISSING = "no " + EtcdServer.BINARY + "; install Debian's etcd-server package"
      + " (apt-get install etcd-server), which ./fleetconf-bench/run etcd does when it can";

  /**
   * A writes or reads case: its result, the fewest and most completions in one second, etcd's WAL
   * fsyncs during it (warm-up included), and the load average at its end.
   */
  record LoadCase(EtcdResult result, long minPerSecond, long maxPerSecond, EtcdServer.Fsyncs fsyncs, String load) {}

  private EtcdBench() {}

  public static void main(String[] args) throws IOException {
    EtcdSettings settings = Options.orExit("fleetconf-bench etcd", EtcdSettings.USAGE, () -> EtcdSettings.parse(args));
    if (!Files.isExecutable(EtcdServer.BINARY)) {
      System.err.println("fleetconf-bench etcd: " + MISSING);
      System.exit(2);
      return;
    }
    EtcdReport report = measure(settings);
    System.out.print(report.text());
    if (settings.report().isPresent()) {
      report.append(settings.report().get(), "etcd, " + LocalDate.now());
      System.err.println("appended to " + settings.report().get());
    }
    System.exit(report.results().stream().allMatch(r -> r.problems().isEmpty()) ? 0 : 1);
  }

  /**
   * Every etcd scenario, for the combined report: {@code args} as {@code ./fleetconf-bench/run etcd}
   * takes them.
   *
   * @throws IllegalArgumentException if an argument is wrong, or there is no etcd to start
   */
  public static EtcdReport measure(String[] args) {
    if (!Files.isExecutable(EtcdServer.BINARY)) {
      throw new IllegalArgumentException(MISSING);
    }
    return measure(EtcdSettings.parse(args));
  }

  /**
   * Only the fan-out, both ways (multiplexed, and one connection each unless turned off), for each
   * size of {@code args} as {@code ./fleetconf-bench/run etcd} takes them; no 0-watcher run.
   *
   * @throws IllegalArgumentException if an argument is wrong, or there is no etcd to start
   */
  public static List<EtcdResult> fanOutOnly(String[] args) {
    if (!Files.isExecutable(EtcdServer.BINARY)) {
      throw new IllegalArgumentException(MISSING);
    }
    EtcdSettings settings = EtcdSettings.parse(args);
    List<EtcdResult> results = new ArrayList<>();
    for (int size : settings.sizes()) {
      results.addAll(FanOut.run(size, FanOut.Connections.MULTIPLEXED, settings).results());
      if (settings.oneConnectionEach()) {
        results.addAll(FanOut.run(size, FanOut.Connections.ONE_PER_DEVICE, settings).results());
      }
    }
    return results;
  }

  private static EtcdReport measure(EtcdSettings settings) {
    List<String> machine = machine(EtcdServer.version(), settings);
    List<EtcdResult> fanOut = new ArrayList<>();
    List<FanOut.Context> contexts = new ArrayList<>();
    // 0 first: the put's own latency, with nothing to notify.
    for (int size : Stream.concat(Stream.of(0), settings.sizes().stream()).toList()) {
      FanOut.FanOutRun outcome = FanOut.run(size, FanOut.Connections.MULTIPLEXED, settings);
      fanOut.addAll(outcome.results());
      outcome.context().ifPresent(contexts::add);
    }
    if (settings.oneConnectionEach()) {
      for (int size : settings.sizes()) {
        fanOut.addAll(FanOut.run(size, FanOut.Connections.ONE_PER_DEVICE, settings).results());
      }
    }
    List<LoadCase> writes = writes(settings);
    List<LoadCase> reads = settings.readers() == 0 ? List.of() : reads(settings);
    machine.add("load average at the end: " + Machine.loadAverage());
    return new EtcdReport(machine, settings, fanOut, contexts, writes, reads);
  }

  /**
   * Durable writes on one fresh etcd, as fleetconf's writes bench: each put a new key
   * {@code /fleet/bench/w<i>_<n>} with a small JSON value; after each case one delete of the prefix.
   */
  private static List<LoadCase> writes(EtcdSettings settings) {
    List<LoadCase> cases = new ArrayList<>();
    try (EtcdServer etcd = EtcdServer.start(); Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
      for (int writers : settings.writers()) {
        log("writes", writers + " writers: " + settings.warmup().toSeconds() + " s warm-up, "
            + settings.measure().toSeconds() + " s measured...");
        long before = revision(admin);
        EtcdServer.Fsyncs fsyncs = etcd.fsyncs();
        Problems counted = new Problems();
        ClosedLoop.LoadRun outcome = ClosedLoop.run(writers, settings.warmup(), settings.measure(),
            calls(etcd.endpoint(), counted, (client, i, n) -> client.getKVClient().put(
                FanOut.bytes(BENCH_PREFIX + "w" + i + "_" + n), FanOut.bytes("{\"writer\":" + i + ",\"n\":" + n + "}"))
                .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
        long moved = revision(admin) - before;
        List<String> problems = new ArrayList<>(counted.lines());
        // Each acknowledged put is one revision: a retried put that was applied twice would show here.
        if (moved != outcome.completedInAll()) {
          problems.add("the revision moved by " + moved + " but " + outcome.completedInAll() + " puts were acknowledged");
        }
        cases.add(loadCase(EtcdResult.Scenario.WRITES, outcome, problems, etcd.fsyncs().since(fsyncs)));
        admin.getKVClient().delete(FanOut.bytes(BENCH_PREFIX),
            DeleteOption.builder().isPrefix(true).build()).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      failed("writes", e, settings.writers(), EtcdResult.Scenario.WRITES, cases);
    }
    return cases;
  }

  /** Reads on one fresh etcd: C readers each getting the fan-out's key back to back (linearizable, jetcd's default). */
  private static List<LoadCase> reads(EtcdSettings settings) {
    List<LoadCase> cases = new ArrayList<>();
    try (EtcdServer etcd = EtcdServer.start(); Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
      admin.getKVClient().put(FanOut.KEY, FanOut.bytes("v-seed")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log("reads", settings.readers() + " readers: " + settings.warmup().toSeconds() + " s warm-up, "
          + settings.measure().toSeconds() + " s measured...");
      EtcdServer.Fsyncs fsyncs = etcd.fsyncs();
      Problems counted = new Problems();
      ClosedLoop.LoadRun outcome = ClosedLoop.run(settings.readers(), settings.warmup(), settings.measure(),
          calls(etcd.endpoint(), counted, (client, i, n) -> {
            GetResponse answer = client.getKVClient().get(FanOut.KEY).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (answer.getKvs().size() != 1) {
              throw new IllegalStateException("a get found " + answer.getKvs().size() + " values");
            }
          }));
      cases.add(loadCase(EtcdResult.Scenario.READS, outcome, counted.lines(), etcd.fsyncs().since(fsyncs)));
    } catch (Exception e) {
      failed("reads", e, List.of(settings.readers()), EtcdResult.Scenario.READS, cases);
    }
    return cases;
  }

  /** One etcd call of caller i, its n-th (from 1); throws if the call failed or its answer is wrong. */
  private interface Call {
    void make(Client client, int caller, long n) throws Exception;
  }

  /**
   * {@code call} made by callers that each have their own etcd client (their own connection, as each
   * of fleetconf's writers has its own HTTP client); what failed is counted in {@code problems}.
   */
  private static ClosedLoop.Calls<Client> calls(String endpoint, Problems problems, Call call) {
    return new ClosedLoop.Calls<>() {
      @Override
      public Client open() {
        return Client.builder().endpoints(endpoint).build();
      }

      @Override
      public void make(Client client, int caller, long n) throws Exception {
        call.make(client, caller, n);
      }

      @Override
      public void problem(int caller, Exception problem) {
        problems.add(problem);
      }
    };
  }

  private static LoadCase loadCase(EtcdResult.Scenario scenario, ClosedLoop.LoadRun outcome, List<String> problems,
      EtcdServer.Fsyncs fsyncs) {
    EtcdResult result = new EtcdResult(scenario, outcome.callers(), outcome.latency(), OptionalDouble.of(outcome.rate()),
        outcome.completed(), problems);
    log(scenario.name().toLowerCase(), String.format("%d %s: %.1f/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d problems",
        outcome.callers(), scenario.parameter(), outcome.rate(), outcome.latency().p50() / 1e6,
        outcome.latency().p99() / 1e6, outcome.latency().max() / 1e6, outcome.failed()));
    long[] seconds = outcome.perSecond();
    return new LoadCase(result, Arrays.stream(seconds).min().orElse(0), Arrays.stream(seconds).max().orElse(0),
        fsyncs, Machine.loadAverage().split(" ")[0]);
  }

  /** A scenario that stopped early: every parameter it did not finish gets a result that says why. */
  private static void failed(String what, Exception e, List<Integer> parameters, EtcdResult.Scenario scenario,
      List<LoadCase> cases) {
    log(what, "FAILED: " + e);
    for (int parameter : parameters.subList(cases.size(), parameters.size())) {
      cases.add(new LoadCase(new EtcdResult(scenario, parameter, Distribution.EMPTY, OptionalDouble.empty(), 0,
          List.of("FAILED: " + e)), 0, 0, new EtcdServer.Fsyncs(0, 0), "-"));
    }
  }

  private static long revision(Client admin) throws Exception {
    return admin.getKVClient().get(FanOut.KEY).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getHeader().getRevision();
  }

  private static List<String> machine(String version, EtcdSettings settings) {
    List<String> lines = new ArrayList<>();
    String model = read("/proc/cpuinfo").lines().filter(line -> line.startsWith("model name")).findFirst()
        .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown CPU");
    lines.add(String.format("%d CPUs (%s), %s %s, JDK %s (%s)", Runtime.getRuntime().availableProcessors(), model,
        System.getProperty("os.name"), System.getProperty("os.version"), Runtime.version(),
        System.getProperty("java.vendor")));
    lines.add("load average at the start: " + Machine.loadAverage());
    lines.add("etcd " + version + " (" + EtcdServer.BINARY + ", Debian's etcd-server), one member per scenario on"
        + " 127.0.0.1, plaintext; default settings apart from its name, URLs and data dir, so it fsyncs its WAL"
        + " before it acknowledges a commit (entries that arrive together share one fsync); data dir under "
        + System.getProperty("java.io.tmpdir") + " (" + mount(System.getProperty("java.io.tmpdir")) + ")");
    lines.add("client: jetcd-core " + jetcdVersion() + " in the bench JVM; one gRPC stream per watch, a client's"
        + " streams share its one connection; multiplexed: " + settings.watchersPerClient() + " watchers per client"
        + (settings.oneConnectionEach() ? "; one connection each: a client per watcher, all sharing one Vert.x"
        + " (one event loop per CPU) and one executor" : ""));
    return lines;
  }

  private static String mount(String dir) {
    return Machine.command("findmnt", "-n", "-o", "SOURCE,FSTYPE", "-T", dir).map(out -> out.replaceAll("\\s+", " "))
        .orElse("filesystem unknown");
  }

  /** The shaded jar's manifest says which jetcd it was built with (fleetconf-bench/pom.xml puts it there). */
  private static String jetcdVersion() {
    try (InputStream in = EtcdBench.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
      return in == null ? "unknown" : Optional.ofNullable(new Manifest(in).getMainAttributes().getValue("Jetcd-Version"))
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }

  private static void log(String what, String line) {
    System.err.println("[etcd " + what + "] " + line);
  }
}
