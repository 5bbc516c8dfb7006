package io.fleetconf.bench.etcd;

import io.fleetconf.bench.Distribution;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One (scenario, parameter) outcome: the unit a combined fleetconf-and-etcd table joins on. Every
 * scenario yields one per parameter value, whether it completed or not ({@code problems} says).
 *
 * @param scenario what was measured
 * @param parameter the scenario's one knob: watchers, concurrent writers or concurrent readers
 * @param latency nanoseconds, nearest rank; {@link Distribution#EMPTY} if nothing completed
 * @param perSecond operations acknowledged per second of the measured window (writes and reads only)
 * @param operations how many operations {@code latency} and {@code perSecond} count
 * @param problems failed or wrong answers and failures, one line each; empty when clean
 */
public record EtcdResult(Scenario scenario, int parameter, Distribution latency, OptionalDouble perSecond,
    long operations, List<String> problems) {

  public EtcdResult {
    problems = List.copyOf(problems);
  }

  /** The scenarios, each with what it is compared with in fleetconf's own bench. */
  public enum Scenario {
    /** Per round, from the put's start until the last watcher had the event. fleetconf: {@code Result.allHave()}. */
    FAN_OUT("watchers"),
    /**
     * As {@link #FAN_OUT}, but every watcher on a client and connection of its own (a real fleet);
     * fleetconf: {@code Result.allHave()}.
     */
    FAN_OUT_ONE_CONNECTION_EACH("watchers"),
    /** Every watcher's own time from the put's start, pooled over rounds. fleetconf: {@code Result.deliveries()}. */
    DELIVERY("watchers"),
    /** The fan-out rounds' put, start to acknowledgement. fleetconf: {@code Result.writes()} ("write p50"). */
    PUT_UNDER_LOAD("watchers"),
    /** Closed-loop writers, a new key per put. fleetconf: {@code ClosedLoop.LoadRun} of {@code Writers}. */
    WRITES("writers"),
    /** Closed-loop readers of one key. fleetconf has no read scenario yet. */
    READS("readers");

    private final String parameter;

    Scenario(String parameter) {
      this.parameter = parameter;
    }

    /** What {@link EtcdResult#parameter()} counts. */
    public String parameter() {
      return parameter;
    }
  }
}
