package io.fleetconf.bench.etcd;

import io.fleetconf.bench.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One single-member etcd, started from Debian's {@code etcd-server} package with its default settings
 * (so it fsyncs its WAL on every commit), listening on loopback ports that were free at start, with its
 * data and log in a fresh temp dir. {@link #close()} stops it and deletes the dir; a shutdown hook does
 * the same if the JVM ends first (Ctrl-C).
 */
final class EtcdServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/etcd");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path dir;
  private final String endpoint;
  private final String plainEndpoint;
  private final Thread hook;
  private boolean stopped;

  /** A certificate and its key (PEM), for clients over TLS. */
  record Tls(Path certificate, Path key) {}

  private EtcdServer(Process process, Path dir, String endpoint, String plainEndpoint) {
    this.process = process;
    this.dir = dir;
    this.endpoint = endpoint;
    this.plainEndpoint = plainEndpoint;
    this.hook = new Thread(this::stop, "etcd-stop");
  }

  /** The installed etcd's version, as {@code etcd --version} prints it, e.g. {@code 3.4.23}. */
  static String version() {
    try {
      Process p = new ProcessBuilder(BINARY.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().filter(line -> line.startsWith("etcd Version:")).findFirst()
          .map(line -> line.substring("etcd Version:".length()).strip()).orElse("unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + BINARY + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  static EtcdServer start() {
    return start(java.util.Optional.empty());
  }

  /**
   * With {@code tls}, clients connect over TLS with that certificate, and {@code /health} and {@code /metrics}
   * are served in plain HTTP on a port of their own ({@code --listen-metrics-urls}), which this class reads.
   */
  static EtcdServer start(java.util.Optional<Tls> tls) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fleetconf-bench-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for etcd", e);
    }
    // Free now; another process could take one before etcd binds it, and then etcd fails to start and says so.
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) {
      peerPort = freePort();
    }
    int metricsPort = freePort();
    while (metricsPort == clientPort || metricsPort == peerPort) {
      metricsPort = freePort();
    }
    String client = (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    // Only what a private single-member etcd on loopback needs; everything else is etcd's default.
    List<String> command = new java.util.ArrayList<>(List.of(BINARY.toString(), "--name", "bench", "--data-dir",
        dir.resolve("data").toString(), "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "bench=" + peer, "--logger", "zap", "--log-outputs", "stderr"));
    String plain = client;
    if (tls.isPresent()) {
      plain = "http://127.0.0.1:" + metricsPort;
      command.addAll(List.of("--cert-file", tls.get().certificate().toString(), "--key-file",
          tls.get().key().toString(), "--listen-metrics-urls", plain));
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("etcd.log").toFile()).start();
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
    EtcdServer server = new EtcdServer(process, dir, client, plain);
    Runtime.getRuntime().addShutdownHook(server.hook);
    try {
      server.awaitHealthy();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The client URL, {@code http://127.0.0.1:<port>} ({@code https} with TLS). */
  String endpoint() {
    return endpoint;
  }

  /** etcd's resident memory now ({@code VmRSS}), in bytes; -1 if it cannot be read. */
  long rssBytes() {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(line -> line.startsWith("VmRSS:"))
          .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(-1);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** etcd's own count of WAL fsyncs and the seconds they took (its {@code /metrics}), to see how puts share them. */
  record Fsyncs(long count, double seconds) {
    Fsyncs since(Fsyncs earlier) {
      return new Fsyncs(count - earlier.count, seconds - earlier.seconds);
    }

    double meanMillis() {
      return count == 0 ? 0 : seconds * 1000 / count;
    }
  }

  Fsyncs fsyncs() {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(plainEndpoint + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return new Fsyncs((long) metric(metrics, "etcd_disk_wal_fsync_duration_seconds_count"),
          metric(metrics, "etcd_disk_wal_fsync_duration_seconds_sum"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read etcd's /metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static double metric(String metrics, String name) {
    return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(name.length()).strip()))
        .orElseThrow(() -> new IllegalStateException("etcd's /metrics has no " + name));
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook has run or runs stop(), which is done by now
    }
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    process.destroy(); // SIGTERM: etcd closes its WAL and exits
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TempDirs.delete(dir);
  }

  /** Polls {@code /health} until etcd answers that it is healthy (it has a leader and can commit). */
  private void awaitHealthy() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest health = HttpRequest.newBuilder(URI.create(plainEndpoint + "/health")).timeout(Duration.ofSeconds(5))
          .build();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("etcd exited with status " + process.exitValue() + ": " + logTail());
        }
        try {
          HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() == 200 && answer.body().contains("\"true\"")) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
    throw new IllegalStateException("etcd was not healthy within " + READY_TIMEOUT.toSeconds() + " s: " + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }
}
