package io.fleetconf.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a random wait up to base·2^attempt, capped. */
final class Backoff {
  private final Duration base;
  private final Duration cap;
  private int attempt;

  Backoff(Duration base, Duration cap) {
    this.base = base;
    this.cap = cap;
  }

  Duration next() {
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
    attempt++;
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  void reset() {
    attempt = 0;
  }

  int attempts() {
    return attempt;
  }
}
