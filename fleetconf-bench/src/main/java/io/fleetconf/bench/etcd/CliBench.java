package io.fleetconf.bench.etcd;

import io.fleetconf.bench.Machine;
import io.fleetconf.bench.Options;
import io.fleetconf.bench.Table;
import io.fleetconf.bench.TempDirs;
import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command-line benchmark: {@code ./fleetconf kv get/put} against a fleetconf server in this JVM, and
 * Debian's {@code etcdctl get/put} against an etcd, run alternately, one process per call, each timed from
 * start to exit (wall), with its CPU time and peak RSS from {@code /usr/bin/time} where present; in plain
 * HTTP, as etcd serves by default, and over TLS (rows marked {@value #TLS}), as fleetconf serves by default,
 * with etcd given the fleetconf server's certificate. See {@code docs/performance.md}.
 */
public final class CliBench {
  static final String USAGE = "usage: fleetconf-bench cli [--rounds 20] [--warmups 3] [--package TARBALL]"
      + " [--report file.md]";
  private static final Path TIME = Path.of("/usr/bin/time");
  private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
  /** The end of the name of a command run over TLS. */
  static final String TLS = ", TLS";

  /** One call: wall time, CPU time (user + system; -1 unknown) and peak RSS in KiB (-1 unknown). */
  record Run(long wallNanos, long cpuNanos, long rssKiB) {}

  private CliBench() {}

  public static void main(String[] args) throws IOException {
    Options options = Options.orExit("fleetconf-bench cli", USAGE,
        () -> Options.parse(args, "--rounds", "--warmups", "--package", "--report"));
    int rounds = options.number("--rounds", 20);
    int warmups = options.number("--warmups", 3);
    Path root = Path.of(System.getenv().getOrDefault("FLEETCONF_ROOT", ".")).toAbsolutePath().normalize();
    List<String> machine = new ArrayList<>(Machine.describe());
    java.util.Optional<Path> tarball = options.path("--package").isPresent() ? options.path("--package")
        : builtTarball(root);
    Map<String, List<Run>> runs = measure(root, tarball, rounds, warmups);
    String text = text(runs, machine, rounds, warmups, false);
    System.out.print(text);
    if (options.path("--report").isPresent()) {
      Table.append(options.path("--report").get(), "## Command line, " + LocalDate.now() + "\n\n"
          + text(runs, machine, rounds, warmups, true));
      System.err.println("appended to " + options.path("--report").get());
    }
    System.exit(0);
  }

  /**
   * Starts both servers and times each command {@code rounds} times, interleaved, after {@code warmups}: the
   * checkout's {@code ./fleetconf} and, if there is a server tarball, its {@code bin/fleetconf} (unpacked in a
   * temporary directory), which is what an operator runs where fleetconf is installed.
   */
  static Map<String, List<Run>> measure(Path root, java.util.Optional<Path> tarball, int rounds, int warmups)
      throws IOException {
    Path dataDir = Files.createTempDirectory("fleetconf-bench-cli-");
    Path tlsDataDir = dataDir.resolve("tls-server");
    try (FleetServer server = FleetServer.start(ServerSettings.of("127.0.0.1", 0, dataDir.resolve("server"))
            .withTransport(new ServerSettings.Transport.PlainHttp()));
        FleetServer tlsServer = FleetServer.start(ServerSettings.of("127.0.0.1", 0, tlsDataDir));
        EtcdServer etcd = EtcdServer.start();
        EtcdServer tlsEtcd = EtcdServer.start(java.util.Optional.of(
            new EtcdServer.Tls(tlsDataDir.resolve("tls/server.crt"), tlsDataDir.resolve("tls/server.key"))))) {
      String ca = tlsServer.caFile().orElseThrow(() -> new IllegalStateException("the TLS server made no CA"))
          .toString();
      List<String> connection = connection(server, List.of());
      List<String> tlsConnection = connection(tlsServer, List.of("--ca-file", ca));
      String fleetconf = root.resolve("fleetconf").toString();
      String packaged = tarball.isPresent()
          ? unpack(tarball.get(), dataDir.resolve("package")).resolve("bin/fleetconf").toString() : fleetconf;
      String client = tarball.isPresent() ? "packaged fleetconf" : "./fleetconf";
      List<String> etcdctl = List.of(ETCDCTL.toString(), "--endpoints=" + etcd.endpoint());
      List<String> tlsEtcdctl = List.of(ETCDCTL.toString(), "--endpoints=" + tlsEtcd.endpoint(), "--cacert=" + ca);
      Map<String, List<String>> commands = new LinkedHashMap<>();
      commands.put("./fleetconf kv put", concat(List.of(fleetconf, "kv", "put"), connection, List.of("global/bench/key", "v")));
      commands.put("etcdctl put", concat(etcdctl, List.of("put", "bench/key", "v")));
      commands.put("./fleetconf kv get", concat(List.of(fleetconf, "kv", "get"), connection, List.of("global/bench/key")));
      commands.put("etcdctl get", concat(etcdctl, List.of("get", "bench/key")));
      commands.put("./fleetconf --version", List.of(fleetconf, "--version"));
      if (tarball.isPresent()) {
        commands.put("packaged fleetconf kv put", concat(List.of(packaged, "kv", "put"), connection,
            List.of("global/bench/key", "v")));
        commands.put("packaged fleetconf kv get", concat(List.of(packaged, "kv", "get"), connection,
            List.of("global/bench/key")));
      }
      commands.put(client + " kv put" + TLS, concat(List.of(packaged, "kv", "put"), tlsConnection,
          List.of("global/bench/key", "v")));
      commands.put("etcdctl put" + TLS, concat(tlsEtcdctl, List.of("put", "bench/key", "v")));
      commands.put(client + " kv get" + TLS, concat(List.of(packaged, "kv", "get"), tlsConnection,
          List.of("global/bench/key")));
      commands.put("etcdctl get" + TLS, concat(tlsEtcdctl, List.of("get", "bench/key")));
      awaitClientCache(root, commands.get("./fleetconf kv put"));
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      commands.keySet().forEach(name -> runs.put(name, new ArrayList<>()));
      for (int round = -warmups; round < rounds; round++) {
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
          Run run = time(command.getValue());
          if (round >= 0) {
            runs.get(command.getKey()).add(run);
          }
        }
        System.err.printf("[cli] round %d of %d%n", round + 1, rounds);
      }
      return runs;
    } finally {
      TempDirs.delete(dataDir);
    }
  }

  /** {@code --addr} and {@code --token} of a server that has just started, then {@code more}. */
  private static List<String> connection(FleetServer server, List<String> more) {
    String token = server.bootstrapToken()
        .orElseThrow(() -> new IllegalStateException("no admin token on a fresh data dir"));
    return concat(List.of("--addr", server.uri().toString(), "--token", token), more);
  }

  /**
   * The launcher makes the client AOT cache in the background on a JDK 25+ the first time; the figures are
   * of the runs after that, so this waits for it (a minute at most) after one call.
   */
  private static void awaitClientCache(Path root, List<String> command) {
    time(command);
    Path cache = root.resolve("fleetconf-cli/target/fleetconf-client.aot");
    if (Runtime.version().feature() < 25) {
      return;
    }
    Path jar = root.resolve("fleetconf-cli/target/fleetconf.jar");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!newer(cache, jar) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    System.err.println("[cli] client AOT cache: " + (newer(cache, jar) ? cache : "none after 60 s, measuring without"));
  }

  /** Whether {@code file} exists and was written after {@code than} (the launcher's test of a usable cache). */
  private static boolean newer(Path file, Path than) {
    try {
      return Files.exists(file) && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The tarball unpacked in {@code dir}: its top directory. */
  private static Path unpack(Path tarball, Path dir) throws IOException {
    Files.createDirectories(dir);
    time(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
    try (var tops = Files.list(dir)) {
      return tops.findFirst().orElseThrow(() -> new IllegalStateException(tarball + " holds nothing"));
    }
  }

  /** The server tarball the build left in fleetconf-dist/target, if any. */
  private static java.util.Optional<Path> builtTarball(Path root) throws IOException {
    Path target = root.resolve("fleetconf-dist/target");
    if (!Files.isDirectory(target)) {
      return java.util.Optional.empty();
    }
    try (var files = Files.newDirectoryStream(target, "fleetconf-[0-9]*-linux-x64.tar.gz")) {
      return java.util.stream.StreamSupport.stream(files.spliterator(), false).findFirst();
    }
  }

  /** Runs one command to its exit under {@code /usr/bin/time} if present; a failure stops the bench. */
  static Run time(List<String> command) {
    try {
      Path times = Files.createTempFile("fleetconf-bench-time-", ".txt");
      try {
        List<String> full = Files.isExecutable(TIME)
            ? concat(List.of(TIME.toString(), "-f", "%U %S %M", "-o", times.toString()), command) : command;
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        long start = System.nanoTime();
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        int status = process.waitFor();
        long wall = System.nanoTime() - start;
        if (status != 0) {
          // The command's first words only: the rest holds the admin token.
          throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
              + " exited " + status + ": "
              + new String(output, StandardCharsets.UTF_8).strip());
        }
        String[] fields = Files.readString(times).strip().split("\\s+");
        if (fields.length < 3) {
          return new Run(wall, -1, -1);
        }
        long cpu = Math.round((Double.parseDouble(fields[0]) + Double.parseDouble(fields[1])) * 1e9);
        return new Run(wall, cpu, Long.parseLong(fields[2]));
      } finally {
        Files.deleteIfExists(times);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  static String text(Map<String, List<Run>> runs, List<String> machine, int rounds, int warmups, boolean markdown) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("command", "wall p50 ms", "wall p90 ms", "CPU p50 ms", "max RSS p50 MiB", "p50 / etcdctl's"));
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      List<Run> list = entry.getValue();
      long wall = rank(list.stream().mapToLong(Run::wallNanos).toArray(), 0.5);
      String transport = entry.getKey().endsWith(TLS) ? TLS : "";
      String name = entry.getKey().substring(0, entry.getKey().length() - transport.length());
      String verb = name.substring(name.lastIndexOf(' ') + 1);
      List<Run> etcd = runs.get("etcdctl " + verb + transport);
      String ratio = entry.getKey().contains("fleetconf kv") && etcd != null
          ? String.format("%.1f", (double) wall / rank(etcd.stream().mapToLong(Run::wallNanos).toArray(), 0.5)) : "";
      long cpu = rank(list.stream().mapToLong(Run::cpuNanos).toArray(), 0.5);
      long rss = rank(list.stream().mapToLong(Run::rssKiB).toArray(), 0.5);
      rows.add(List.of(entry.getKey(), ms(wall), ms(rank(list.stream().mapToLong(Run::wallNanos).toArray(), 0.9)),
          cpu < 0 ? "?" : ms(cpu), rss < 0 ? "?" : String.format("%.0f", rss / 1024.0), ratio));
    }
    String settings = String.format("%d rounds after %d warm-up rounds; each round runs every command once, in the"
        + " order listed; one process per call, wall from start to exit; CPU (user + system) and peak RSS from"
        + " /usr/bin/time. Plain HTTP, but the rows marked \"%s\": TLS 1.3, the fleetconf server's self-made"
        + " certificate (EC P-256) for both servers, trusted through its CA file.", rounds, warmups, TLS.substring(2));
    String lines = String.join("\n", machine) + "\nload average at the end: " + Machine.loadAverage() + "\n" + settings;
    return (markdown ? lines.replace("\n", "  \n") : lines) + "\n\n" + Table.render(rows, markdown) + "\n";
  }

  private static String ms(long nanos) {
    return String.format("%.0f", nanos / 1e6);
  }

  /** Nearest rank. */
  private static long rank(long[] values, double quantile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.max((int) Math.ceil(quantile * sorted.length), 1) - 1];
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }
}
