package io.fleetconf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * W writers, each a thread with its own keep-alive HTTP/1.1 client, each sending
 * {@code PUT /api/v1/entries/global/bench/w<i>_<n>} back to back (the next as soon as the last
 * is answered) for a warm-up and then a measured window. The value, {@code {"writer":i,"n":n}},
 * differs every time, so every PUT is a change set, never a no-op. A change set counts when its answer is
 * 2xx and arrives inside the measured window; its latency is from just before the request was
 * sent to its whole answer read.
 */
final class Writers {
  /** What the writers did; latencies in nanoseconds. */
  record Outcome(int writers, Duration window, long acked, Distribution latency, long[] perSecond, long ackedInAll,
      long rejected, long failed, List<String> firstProblems) {
    double rate() {
      return acked / (window.toNanos() / 1e9);
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int KEPT_PROBLEMS = 5;

  private Writers() {}

  /** With {@code keysPerWriter} 0, each change set writes a new key; with K, writer i cycles over K keys of its own. */
  static Outcome run(URI base, String token, int count, Duration warmup, Duration window, int keysPerWriter) {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch go = new CountDownLatch(1);
    long[] phase = new long[2]; // measuredFrom, end: written before go.countDown(), read after go.await()
    List<Writer> writers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Writer writer = new Writer(base, token, i, keysPerWriter, window, ready, go, phase);
      writers.add(writer);
      threads.add(Thread.ofPlatform().name("bench-writer-" + i).start(writer));
    }
    try {
      ready.await();
      long start = System.nanoTime();
      phase[0] = start + warmup.toNanos();
      phase[1] = phase[0] + window.toNanos();
      go.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.forEach(Thread::interrupt);
      throw new BenchException("interrupted while writing", e);
    }
    long acked = 0;
    long ackedInAll = 0;
    long rejected = 0;
    long failed = 0;
    long[] perSecond = new long[(int) Math.max(1, window.toSeconds())];
    List<String> problems = new ArrayList<>();
    int latencies = 0;
    for (Writer writer : writers) {
      latencies += writer.latencyCount;
    }
    long[] all = new long[latencies];
    int at = 0;
    for (Writer writer : writers) {
      System.arraycopy(writer.latencies, 0, all, at, writer.latencyCount);
      at += writer.latencyCount;
      acked += writer.latencyCount;
      ackedInAll += writer.ackedInAll;
      rejected += writer.rejected;
      failed += writer.failed;
      for (int s = 0; s < perSecond.length; s++) {
        perSecond[s] += writer.perSecond[s];
      }
      writer.problems.stream().limit(Math.max(0, KEPT_PROBLEMS - problems.size())).forEach(problems::add);
    }
    return new Outcome(count, window, acked, Distribution.of(all), perSecond, ackedInAll, rejected, failed, problems);
  }

  private static final class Writer implements Runnable {
    private final URI base;
    private final String token;
    private final int index;
    private final int keys;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final long[] phase;
    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
    private final long[] perSecond;
    private final List<String> problems = new ArrayList<>();
    private long[] latencies = new long[1024];
    private int latencyCount;
    private long ackedInAll;
    private long rejected;
    private long failed;

    Writer(URI base, String token, int index, int keys, Duration window, CountDownLatch ready, CountDownLatch go,
        long[] phase) {
      this.base = base;
      this.token = token;
      this.index = index;
      this.keys = keys;
      this.ready = ready;
      this.go = go;
      this.phase = phase;
      this.perSecond = new long[(int) Math.max(1, window.toSeconds())];
    }

    @Override
    public void run() {
      try (http) {
        ready.countDown();
        go.await();
        long measuredFrom = phase[0];
        long end = phase[1];
        for (long n = 1; ; n++) {
          HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/entries/global/bench/w" + index + "_"
              + (keys == 0 ? n : (n - 1) % keys + 1)))
              .timeout(REQUEST_TIMEOUT)
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString("{\"writer\":" + index + ",\"n\":" + n + "}"))
              .build();
          long sent = System.nanoTime();
          if (sent >= end) {
            return;
          }
          try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            if (response.statusCode() / 100 != 2) {
              rejected++;
              problem("HTTP " + response.statusCode() + ": " + response.body());
            } else {
              ackedInAll++;
              if (answered >= measuredFrom && answered < end) {
                record(answered - sent, answered - measuredFrom);
              }
            }
          } catch (IOException e) {
            failed++;
            problem(e.toString());
            Thread.sleep(10); // a server that is gone must not turn this into a busy loop
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void record(long latency, long sinceStart) {
      if (latencyCount == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[latencyCount++] = latency;
      perSecond[(int) Math.min(perSecond.length - 1, sinceStart / 1_000_000_000L)]++;
    }

    private void problem(String what) {
      if (problems.size() < KEPT_PROBLEMS) {
        problems.add("writer " + index + ": " + what.replaceAll("\\s+", " "));
      }
    }
  }
}
