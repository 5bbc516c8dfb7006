package io.fleetconf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A closed-loop load and its latency recorder: C callers, each a thread with its own client (its
 * own connection), each making one blocking call after another for a warm-up and then a measured
 * window. A call counts if it succeeds and completes inside the window; its latency is from just
 * before it was made to its whole answer. fleetconf's durable writes and etcd's writes and reads
 * are measured with it, so their figures compare.
 */
public final class ClosedLoop {
  /** What each caller does. */
  public interface Calls<C extends AutoCloseable> {
    /** The caller's own client, opened on its thread. */
    C open() throws Exception;

    /** Call {@code n} (from 1) of caller {@code caller}; throws if it failed or its answer is wrong. */
    void make(C client, int caller, long n) throws Exception;

    /** Hears of a call that threw; called on the caller's thread. */
    void problem(int caller, Exception problem);
  }

  /** An answer that refuses the call (an HTTP error status): counted as refused, and its caller goes straight on. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What the callers did; latencies in nanoseconds. {@code perSecond} counts the completions of each
   * second of the window; {@code completedInAll} counts those of the warm-up too.
   */
  public record LoadRun(int callers, Duration window, long completed, Distribution latency, long[] perSecond,
      long completedInAll, long refused, long failed) {
    public double rate() {
      return completed / (window.toNanos() / 1e9);
    }
  }

  private ClosedLoop() {}

  public static <C extends AutoCloseable> LoadRun run(int count, Duration warmup, Duration window, Calls<C> calls) {
    return run(count, warmup, window, calls, () -> { });
  }

  /** As {@link #run(int, Duration, Duration, Calls)}, running {@code atWindowStart} when the warm-up ends. */
  public static <C extends AutoCloseable> LoadRun run(int count, Duration warmup, Duration window, Calls<C> calls,
      Runnable atWindowStart) {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch go = new CountDownLatch(1);
    long[] phase = new long[2]; // measuredFrom, end: written before go.countDown(), read after go.await()
    List<Caller<C>> callers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Caller<C> caller = new Caller<>(i, calls, window, ready, go, phase);
      callers.add(caller);
      threads.add(Thread.ofPlatform().name("bench-caller-" + i).start(caller));
    }
    try {
      ready.await();
      phase[0] = System.nanoTime() + warmup.toNanos();
      phase[1] = phase[0] + window.toNanos();
      go.countDown();
      for (long left; (left = phase[0] - System.nanoTime()) > 0; ) {
        Thread.sleep(Duration.ofNanos(left));
      }
      atWindowStart.run();
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.forEach(Thread::interrupt);
      throw new BenchException("interrupted while calling", e);
    }
    long[] perSecond = new long[(int) Math.max(1, window.toSeconds())];
    long[] all = callers.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count)).toArray();
    long inAll = 0;
    long refused = 0;
    long failed = 0;
    for (Caller<C> caller : callers) {
      inAll += caller.completedInAll;
      refused += caller.refused;
      failed += caller.failed;
      Arrays.setAll(perSecond, s -> perSecond[s] + caller.perSecond[s]);
    }
    return new LoadRun(count, window, all.length, Distribution.of(all), perSecond, inAll, refused, failed);
  }

  private static final class Caller<C extends AutoCloseable> implements Runnable {
    private final int index;
    private final Calls<C> calls;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final long[] phase;
    private final long[] perSecond;
    private long[] latencies = new long[1024];
    private int count;
    private long completedInAll;
    private long refused;
    private long failed;

    Caller(int index, Calls<C> calls, Duration window, CountDownLatch ready, CountDownLatch go, long[] phase) {
      this.index = index;
      this.calls = calls;
      this.ready = ready;
      this.go = go;
      this.phase = phase;
      this.perSecond = new long[(int) Math.max(1, window.toSeconds())];
    }

    @Override
    public void run() {
      C client;
      try {
        client = calls.open();
      } catch (Exception e) {
        failed++;
        calls.problem(index, e);
        ready.countDown();
        return;
      }
      try (client) {
        ready.countDown();
        go.await();
        call(client);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        calls.problem(index, e); // closing the client failed: the figures stand
      }
    }

    private void call(C client) throws InterruptedException {
      long measuredFrom = phase[0];
      long end = phase[1];
      for (long n = 1; ; n++) {
        long sent = System.nanoTime();
        if (sent >= end) {
          return;
        }
        try {
          calls.make(client, index, n);
          long answered = System.nanoTime();
          completedInAll++;
          if (answered >= measuredFrom && answered < end) {
            record(answered - sent, answered - measuredFrom);
          }
        } catch (InterruptedException e) {
          throw e;
        } catch (Refused e) {
          refused++;
          calls.problem(index, e);
        } catch (Exception e) {
          failed++;
          calls.problem(index, e);
          Thread.sleep(10); // a server that is gone must not turn this into a busy loop
        }
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
