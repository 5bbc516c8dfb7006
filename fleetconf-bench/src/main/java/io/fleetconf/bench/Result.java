package io.fleetconf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one fleet size measured; a scenario that failed keeps what it got before, and says why.
 *
 * @param devices fleet size
 * @param registration time to register every device over HTTP
 * @param idle server JVM memory with every device registered and no long-poll held
 * @param held server JVM memory with one long-poll held per device
 * @param heldWatches requests the watch hub held when {@code held} was taken
 * @param connections established server-side sockets on the server port at that time
 * @param allHave per measured round, the time until the last device had the change
 * @param writes per measured round, the PUT's round trip as the bench saw it
 * @param armed per measured round, the bench-to-devices-and-back pipe round trip
 * @param deliveries every device's delivery time over all measured rounds
 * @param reheld per measured round, from the last delivery until the server held every long-poll again
 * @param replaced per measured round, server connections closed and opened anew (a count, not a time)
 * @param problems failed or wrong answers the devices saw, by kind
 * @param stale answers older than the revision a round expected (a wait that ran out)
 * @param failure why the scenario stopped early, if it did
 * @param extras targeted and group changes, and the writer with and without watchers
 * @param unexpected answers to devices that no change concerned, before their wait ran out
 * @param transport how the devices watched: long-polls or event streams
 * @param devicesCpu the devices JVM's CPU time over the measured rounds, each from armed to done
 * @param serverCpu the bench JVM's CPU time (the server, and the bench's writer) over the same windows
 */
record Result(
    int devices, Optional<Duration> registration, Optional<Memory> idle, Optional<Memory> held, int heldWatches,
    int connections, Distribution allHave, Distribution writes, Distribution armed, Distribution deliveries,
    Distribution reheld, Distribution replaced, Map<String, Long> problems, long stale, Optional<String> failure,
    Extras extras, long unexpected, Transport transport, Optional<Duration> devicesCpu,
    Optional<Duration> serverCpu) {

  /** Heap per held long-poll: (held - idle) / devices, if both were measured. */
  Optional<Long> heapPerWatch() {
    return idle.flatMap(i -> held.map(h -> (h.heapBytes() - i.heapBytes()) / devices));
  }

  long problemCount() {
    return problems.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Collects a result as the scenario goes. */
  static final class Builder {
    private final int devices;
    private final Transport transport;
    private Duration registration;
    private Memory idle;
    private Memory held;
    private int heldWatches = -1;
    private int connections = -1;
    private final List<Long> allHave = new ArrayList<>();
    private final List<Long> writes = new ArrayList<>();
    private final List<Long> armed = new ArrayList<>();
    private Distribution deliveries = Distribution.EMPTY;
    private final List<Long> reheld = new ArrayList<>();
    private final List<Long> replaced = new ArrayList<>();
    private final Map<String, Long> problems = new LinkedHashMap<>();
    private long stale;
    private String failure;
    private final Extras.Builder extras = new Extras.Builder();
    private long unexpected;
    private Duration devicesCpu;
    private Duration serverCpu = Duration.ZERO;

    Builder(int devices, Transport transport) {
      this.devices = devices;
      this.transport = transport;
    }

    void registration(Duration took) {
      registration = took;
    }

    void idle(Memory memory) {
      idle = memory;
    }

    void held(Memory memory, int watches, int sockets) {
      held = memory;
      heldWatches = watches;
      connections = sockets;
    }

    void round(long allHaveNanos, long writeNanos, long armedNanos) {
      allHave.add(allHaveNanos);
      writes.add(writeNanos);
      armed.add(armedNanos);
    }

    void between(Duration reheldAfter, long connectionsReplaced) {
      reheld.add(reheldAfter.toNanos());
      replaced.add(connectionsReplaced);
    }

    void problem(String kind, long times) {
      problems.merge(kind, times, Long::sum);
    }

    void deliveries(Distribution distribution, long staleAnswers) {
      deliveries = distribution;
      stale = staleAnswers;
    }

    Extras.Builder extras() {
      return extras;
    }

    void unexpected(long answers) {
      unexpected = answers;
    }

    void devicesCpu(Duration cpu) {
      devicesCpu = cpu;
    }

    /** Adds one measured round's CPU time of the bench JVM. */
    void serverCpu(Duration cpu) {
      serverCpu = serverCpu.plus(cpu);
    }

    void failure(String why) {
      failure = why;
    }

    String idleLine() {
      return memoryLine(idle);
    }

    String heldLine() {
      return memoryLine(held) + ", " + heldWatches + " long-polls held, " + connections + " server connections";
    }

    private static String memoryLine(Memory memory) {
      return String.format("heap %.1f MiB, RSS %.1f MiB",
          memory.heapBytes() / 1048576.0, memory.rssBytes() / 1048576.0);
    }

    Result build() {
      return new Result(devices, Optional.ofNullable(registration), Optional.ofNullable(idle),
          Optional.ofNullable(held), heldWatches, connections, of(allHave), of(writes), of(armed), deliveries,
          of(reheld), of(replaced), Collections.unmodifiableMap(new LinkedHashMap<>(problems)), stale,
          Optional.ofNullable(failure), extras.build(), unexpected, transport, Optional.ofNullable(devicesCpu),
          serverCpu.isZero() ? Optional.empty() : Optional.of(serverCpu));
    }

    private static Distribution of(List<Long> nanos) {
      return Distribution.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }
  }
}
