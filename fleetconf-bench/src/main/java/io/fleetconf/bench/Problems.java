package io.fleetconf.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Failed or wrong answers in the devices process, counted by kind; the first of each kind is
 * printed in full on stderr, so a stack trace is there to read without flooding the terminal.
 */
final class Problems {
  private static final int MAX_KINDS = 50;
  private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  void add(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (count(cause.getClass().getName() + ": " + cause.getMessage())) {
      System.err.println("devices: first failure of its kind:");
      cause.printStackTrace();
    }
  }

  void add(String kind) {
    if (count(kind)) {
      System.err.println("devices: first problem of its kind: " + kind);
    }
  }

  long total() {
    return total.sum();
  }

  /** Each kind once, with how many times it happened; messages are on one line. */
  void forEach(BiConsumer<String, Long> action) {
    byKind.forEach((kind, times) -> action.accept(kind.replaceAll("\\s+", " "), times.sum()));
  }

  /** Counts one occurrence; true if it is the first of its kind. */
  private boolean count(String kind) {
    total.increment();
    String key = byKind.size() >= MAX_KINDS && !byKind.containsKey(kind) ? "(other kinds)" : kind;
    LongAdder times = byKind.computeIfAbsent(key, k -> new LongAdder());
    times.increment();
    return times.sum() == 1;
  }
}
