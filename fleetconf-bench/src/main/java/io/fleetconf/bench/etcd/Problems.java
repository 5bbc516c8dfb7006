package io.fleetconf.bench.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failed or wrong answers, counted by kind; safe to add to from any thread (watch callbacks, callers). */
final class Problems {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String kind) {
    counts.computeIfAbsent(kind.replaceAll("\\s+", " "), k -> new LongAdder()).increment();
  }

  void add(Throwable failure) {
    Throwable cause = failure.getCause() != null && failure instanceof java.util.concurrent.ExecutionException
        ? failure.getCause() : failure;
    add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** One line per kind, {@code <count> x <kind>}. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    counts.forEach((kind, count) -> out.add(count.sum() + " x " + kind));
    return out;
  }
}
