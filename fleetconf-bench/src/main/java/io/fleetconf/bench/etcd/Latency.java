package io.fleetconf.bench.etcd;

import java.util.Arrays;

/**
 * Nearest-rank summary of latencies in nanoseconds, computed exactly as fleetconf's own bench does
 * ({@code io.fleetconf.bench.Distribution}) so that the two sets of figures compare.
 */
public record Latency(int count, long p50, long p99, long max) {
  public static final Latency EMPTY = new Latency(0, 0, 0, 0);

  static Latency of(long[] nanos) {
    if (nanos.length == 0) {
      return EMPTY;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Latency(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  private static long rank(long[] sorted, double quantile) {
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
