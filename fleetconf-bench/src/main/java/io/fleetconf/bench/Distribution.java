package io.fleetconf.bench;

import java.util.Arrays;

/**
 * Nearest-rank summary of a set of values: durations in nanoseconds, or counts. fleetconf's figures
 * and etcd's are both summarised here, so that they compare.
 */
public record Distribution(int count, long p50, long p99, long max) {
  public static final Distribution EMPTY = new Distribution(0, 0, 0, 0);

  public static Distribution of(long[] nanos) {
    if (nanos.length == 0) {
      return EMPTY;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Distribution(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  /** The line form the devices process reports it in: {@code count p50 p99 max}. */
  static Distribution parse(String[] fields, int from) {
    return new Distribution(Integer.parseInt(fields[from]), Long.parseLong(fields[from + 1]),
        Long.parseLong(fields[from + 2]), Long.parseLong(fields[from + 3]));
  }

  String line() {
    return count + " " + p50 + " " + p99 + " " + max;
  }

  private static long rank(long[] sorted, double quantile) {
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
