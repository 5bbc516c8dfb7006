package io.fleetconf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read load generator, a JVM of its own that {@link ReadsBench} starts: {@code concurrency}
 * virtual threads, each with its own JDK {@link HttpClient} (HTTP/1.1, so one keep-alive
 * connection each) or, as client {@code raw}, its own socket speaking minimal HTTP/1.1
 * (keep-alive, answers read by {@link HttpResponseParser}) to spend less of the shared CPU on the client;
 * each sending {@code GET /api/v1/devices/<id>/config} (with
 * {@code ?format=env} for env) the next as soon as the last is answered, spread over the
 * registered devices. An answer counts if it is a 200 with a body and arrives in the measured
 * window, after the warm-up.
 *
 * <p>Arguments: server URL, bearer token, device count, concurrency, warm-up seconds, measured
 * seconds, {@code json} or {@code env}, {@code jdk} or {@code raw}. Prints {@code measuring} when the measured window opens,
 * then {@code reads <ok> <errors> <p50> <p99> <max> <window-nanos> <cpu-nanos>} (latencies in
 * nanoseconds, CPU time of this JVM over the window), and exits.
 */
public final class ReadLoad {
  private ReadLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: ReadLoad <server-url> <token> <devices> <concurrency> <warmup-s> <seconds> json|env"
          + " jdk|raw");
      System.exit(2);
    }
    URI base = URI.create(args[0]);
    String token = args[1];
    int devices = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    long warmup = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
    long measured = Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
    String query = switch (args[6]) {
      case "json" -> "";
      case "env" -> "?format=env";
      default -> throw new IllegalArgumentException("format must be json or env, was " + args[6]);
    };
    boolean raw = switch (args[7]) {
      case "jdk" -> false;
      case "raw" -> true;
      default -> throw new IllegalArgumentException("client must be jdk or raw, was " + args[7]);
    };
    URI[] uris = new URI[devices];
    String[] paths = new String[devices];
    for (int device = 0; device < devices; device++) {
      paths[device] = io.fleetconf.api.Paths.deviceConfig(Main.deviceId(device)) + query;
      uris[device] = base.resolve(paths[device]);
    }
    long start = System.nanoTime();
    long from = start + warmup;
    long until = from + measured;
    AtomicLong errors = new AtomicLong();
    ConcurrentHashMap<String, Long> kinds = new ConcurrentHashMap<>();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int me = t;
      long[][] mine = {new long[1 << 14]};
      threads.add(Thread.ofVirtual().name("reader-" + t).start(() -> {
        HttpClient http = raw ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
        RawHttp socket = raw ? new RawHttp(base, token) : null;
        int n = 0;
        for (int i = me; ; i += concurrency) {
          long sent = System.nanoTime();
          if (sent >= until) {
            break;
          }
          boolean ok;
          try {
            int status;
            int length;
            if (raw) {
              status = socket.send("GET", paths[i % devices], null);
              length = socket.length();
            } else {
              HttpRequest request = HttpRequest.newBuilder(uris[i % devices]).timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + token).GET().build();
              HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
              status = response.statusCode();
              length = response.body().length;
            }
            ok = status == 200 && length > 0;
            if (!ok) {
              kinds.merge("HTTP " + status, 1L, Long::sum);
            }
          } catch (Exception e) {
            ok = false;
            kinds.merge(e.toString(), 1L, Long::sum);
          }
          long now = System.nanoTime();
          if (now >= from && now < until) {
            if (!ok) {
              errors.incrementAndGet();
            } else {
              if (n == mine[0].length) {
                mine[0] = Arrays.copyOf(mine[0], n * 2);
              }
              mine[0][n++] = now - sent;
            }
          }
        }
        synchronized (latencies) {
          latencies.add(Arrays.copyOf(mine[0], n));
        }
        if (http != null) {
          http.close();
        }
        if (socket != null) {
          socket.close();
        }
      }));
    }
    sleepUntil(from);
    long cpuFrom = ProcessCpu.nanos();
    say("measuring");
    sleepUntil(until);
    long cpu = ProcessCpu.nanos() - cpuFrom;
    for (Thread thread : threads) {
      thread.join();
    }
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
    kinds.forEach((kind, times) -> System.err.println("read load: " + times + " x " + kind));
    Distribution d = Distribution.of(all);
    say("reads " + all.length + " " + errors.get() + " " + d.p50() + " " + d.p99() + " " + d.max() + " " + measured
        + " " + cpu);
    System.exit(0);
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
