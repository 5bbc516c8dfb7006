package io.fleetconf.bench.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * C callers, each a thread with its own etcd client (its own connection, as each of fleetconf's
 * writers has its own HTTP client), each making one blocking call after another for a warm-up and
 * then a measured window. A call counts if it succeeds and completes inside the window; its latency
 * is from just before it was made to its answer. Mirrors fleetconf's {@code Writers}.
 */
final class Load {
  /** One call; {@code n} counts the caller's calls from 1. Throws if the call failed or its answer is wrong. */
  interface Call {
    void make(Client client, int caller, long n) throws Exception;
  }

  /** What the callers did; latencies in nanoseconds. */
  record Outcome(int callers, Duration window, long completed, Latency latency, long[] perSecond,
      long completedInAll, Problems problems) {
    double rate() {
      return completed / (window.toNanos() / 1e9);
    }
  }

  private Load() {}

  static Outcome run(String endpoint, int count, Duration warmup, Duration window, Call call) {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch go = new CountDownLatch(1);
    long[] phase = new long[2]; // measuredFrom, end: written before go.countDown(), read after go.await()
    Problems problems = new Problems();
    List<Caller> callers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Caller caller = new Caller(endpoint, i, call, window, ready, go, phase, problems);
      callers.add(caller);
      threads.add(Thread.ofPlatform().name("etcd-caller-" + i).start(caller));
    }
    try {
      ready.await();
      phase[0] = System.nanoTime() + warmup.toNanos();
      phase[1] = phase[0] + window.toNanos();
      go.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.forEach(Thread::interrupt);
      throw new IllegalStateException("interrupted", e);
    }
    long[] perSecond = new long[(int) Math.max(1, window.toSeconds())];
    long[] all = callers.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count)).toArray();
    long inAll = 0;
    for (Caller caller : callers) {
      inAll += caller.completedInAll;
      Arrays.setAll(perSecond, s -> perSecond[s] + caller.perSecond[s]);
    }
    return new Outcome(count, window, all.length, Latency.of(all), perSecond, inAll, problems);
  }

  private static final class Caller implements Runnable {
    private final String endpoint;
    private final int index;
    private final Call call;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final long[] phase;
    private final Problems problems;
    private final long[] perSecond;
    private long[] latencies = new long[1024];
    private int count;
    private long completedInAll;

    Caller(String endpoint, int index, Call call, Duration window, CountDownLatch ready, CountDownLatch go,
        long[] phase, Problems problems) {
      this.endpoint = endpoint;
      this.index = index;
      this.call = call;
      this.ready = ready;
      this.go = go;
      this.phase = phase;
      this.problems = problems;
      this.perSecond = new long[(int) Math.max(1, window.toSeconds())];
    }

    @Override
    public void run() {
      try (Client client = Client.builder().endpoints(endpoint).build()) {
        ready.countDown();
        go.await();
        long measuredFrom = phase[0];
        long end = phase[1];
        for (long n = 1; ; n++) {
          long sent = System.nanoTime();
          if (sent >= end) {
            return;
          }
          try {
            call.make(client, index, n);
            long answered = System.nanoTime();
            completedInAll++;
            if (answered >= measuredFrom && answered < end) {
              record(answered - sent, answered - measuredFrom);
            }
          } catch (InterruptedException e) {
            throw e;
          } catch (Exception e) {
            problems.add(e);
            Thread.sleep(10); // a server that is gone must not turn this into a busy loop
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void record(long latency, long sinceStart) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[count++] = latency;
      perSecond[(int) Math.min(perSecond.length - 1, sinceStart / 1_000_000_000L)]++;
    }
  }
}
