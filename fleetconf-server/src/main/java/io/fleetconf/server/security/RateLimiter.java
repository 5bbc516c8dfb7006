package io.fleetconf.server.security;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets per name (a token id, a client address): {@code rate} per second, bursts of 4 s worth. */
public final class RateLimiter {
  private static final int MAX_BUCKETS = 100_000;
  private final double rate;
  private final double burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  public RateLimiter(int perSecond) {
    this.rate = perSecond;
    this.burst = perSecond * 4.0;
  }

  /**
   * Forgets the buckets that have refilled (their names have been quiet for a burst's worth of
   * time, so forgetting them changes nothing); if a flood of busy names remains, forgets them all
   * rather than grow without bound.
   */
  private synchronized void forgetIdle(long now) {
    long refill = (long) (burst / rate * 1e9);
    buckets.values().removeIf(bucket -> now - bucket.refilledAt > refill);
    if (buckets.size() > MAX_BUCKETS) {
      buckets.clear();
    }
  }

  /** Takes one request's token; empty if allowed, else how many seconds to wait. */
  public OptionalLong take(String name) {
    if (rate == 0) {
      return OptionalLong.empty();
    }
    long now = System.nanoTime();
    if (buckets.size() > MAX_BUCKETS) {
      forgetIdle(now);
    }
    Bucket bucket = buckets.computeIfAbsent(name, n -> new Bucket(burst, now));
    synchronized (bucket) {
      // The clock is read again under the bucket's lock: a time read before it can be older than the
      // last refill by a concurrent request, and would take tokens away instead of adding them.
      long at = System.nanoTime();
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, at - bucket.refilledAt) / 1e9 * rate);
      bucket.refilledAt = Math.max(bucket.refilledAt, at);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return OptionalLong.empty();
      }
      return OptionalLong.of((long) Math.ceil((1 - bucket.tokens) / rate));
    }
  }
}
