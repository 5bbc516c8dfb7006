package io.fleetconf.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one fleet size measured beyond the global rounds: changes that concern some devices only
 * (how fast they arrive, and how many other held watches the server woke), and the writer's
 * acknowledgement time with no watcher and with every device watching.
 *
 * @param changes by kind of change, in the order run
 * @param writes by kind of write, in the order run
 */
record Extras(Map<String, Change> changes, Map<String, Writes> writes) {
  static final Extras EMPTY = new Extras(Map.of(), Map.of());

  /**
   * Rounds of one kind of change.
   *
   * @param concerned devices each round's change concerns: the server should wake exactly these
   * @param latency per measured round, until the last concerned device had the change (devices' clock)
   * @param others per measured round, held watches the server woke beyond the concerned ones
   */
  record Change(int concerned, Distribution latency, Distribution others, long othersSum) {}

  /** When a write was measured: no watch held before the devices process starts, all held, none after it quit. */
  enum Phase { BEFORE, HELD, AFTER }

  /**
   * PUT round trips of one kind of write.
   *
   * @param before no watch held, before the devices process starts
   * @param held with every device holding a long-poll
   * @param after no watch held, after the devices process quit (the server's JIT warmer than before)
   */
  record Writes(Distribution before, Distribution held, Distribution after) {}

  /** Collects as the scenario goes; single-threaded. */
  static final class Builder {
    private final Map<String, Integer> concerned = new LinkedHashMap<>();
    private final Map<String, List<Long>> latency = new LinkedHashMap<>();
    private final Map<String, List<Long>> others = new LinkedHashMap<>();
    private final Map<String, Map<Phase, List<Long>>> writes = new LinkedHashMap<>();

    /** One measured round of a change; {@code latencyNanos} 0 if no device was to get it. */
    void change(String kind, int devices, long latencyNanos, long othersWoken) {
      concerned.put(kind, devices);
      List<Long> times = latency.computeIfAbsent(kind, k -> new ArrayList<>());
      if (latencyNanos > 0) {
        times.add(latencyNanos);
      }
      others.computeIfAbsent(kind, k -> new ArrayList<>()).add(othersWoken);
    }

    /** One measured PUT round trip. */
    void write(String kind, Phase phase, long nanos) {
      writes.computeIfAbsent(kind, k -> new java.util.EnumMap<>(Phase.class))
          .computeIfAbsent(phase, p -> new ArrayList<>()).add(nanos);
    }

    Extras build() {
      Map<String, Change> changes = new LinkedHashMap<>();
      concerned.forEach((kind, devices) -> changes.put(kind, new Change(devices, of(latency.get(kind)),
          of(others.get(kind)), others.get(kind).stream().mapToLong(Long::longValue).sum())));
      Map<String, Writes> byKind = new LinkedHashMap<>();
      writes.forEach((kind, phases) -> byKind.put(kind, new Writes(of(phases.get(Phase.BEFORE)),
          of(phases.get(Phase.HELD)), of(phases.get(Phase.AFTER)))));
      return new Extras(Collections.unmodifiableMap(changes), Collections.unmodifiableMap(byKind));
    }

    private static Distribution of(List<Long> values) {
      return values == null ? Distribution.EMPTY :  Distribution.of(values.stream().mapToLong(Long::longValue).toArray());
    }
  }
}
