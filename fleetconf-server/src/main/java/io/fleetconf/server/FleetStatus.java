package io.fleetconf.server;

import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Desired against reported, per device: what the server says a device should run (the last
 * revision that changed its config, per namespace), what its agent last said it runs, and when the
 * device itself last called in. Last-seen times are kept in memory and saved to the store in
 * batches, every {@link #SAVE_EVERY} and at {@link #close()}, not once per call.
 */
public final class FleetStatus implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FleetStatus.class.getName());
  /** How often last-seen times are saved: a crash loses at most this much of them. */
  public static final Duration SAVE_EVERY = Duration.ofSeconds(15);

  /** One namespace of one device: the revision it should be at and the latest report on it. */
  public record NamespaceStatus(String namespace, Revision desired, Optional<Report> reported) {
    /**
     * Not known to run the desired revision: the revision it runs is older, or unknown (a failed
     * attempt from an agent that does not say what it runs).
     */
    public boolean drift() {
      return reported.map(report -> report.running().map(desired::isAfter).orElse(true)).orElse(false);
    }
  }

  /**
   * One device's line in the fleet view; {@code schemaViolations} says how its config breaks a
   * schema (possible only after a schema was written with force), {@code held} which versions it
   * needs for values it is held back from.
   */
  public record DeviceStatus(Device device, Revision desired, List<NamespaceStatus> namespaces,
      Optional<Instant> lastSeen, boolean stale, List<String> schemaViolations, List<String> held) {
    public boolean invalid() {
      return !schemaViolations.isEmpty();
    }

    public boolean drift() {
      return namespaces.stream().anyMatch(NamespaceStatus::drift);
    }

    /** The worst reported status: rolled_back, then failed, then applied; empty if none reported. */
    public Optional<Report.Status> status() {
      return namespaces.stream().flatMap(ns -> ns.reported().stream()).map(Report::status)
          .reduce(Report.Status::worse);
    }
  }

  private final Replica replica;
  private final Clock clock;
  private final Map<DeviceId, Instant> lastSeen = new ConcurrentHashMap<>();
  /** Times not yet saved. */
  private final Map<DeviceId, Instant> unsaved = new ConcurrentHashMap<>();
  private final Thread saver;
  /** How many reports this server has taken; waiters on it learn of new ones (the console's live view). */
  private long reportsTaken;

  public FleetStatus(Replica replica, Clock clock) {
    this.replica = replica;
    this.clock = clock;
    lastSeen.putAll(replica.store().lastSeen());
    this.saver = Thread.ofPlatform().daemon().name("fleetconf-last-seen").start(this::saveEvery);
  }

  /** Notes that the device itself called in (its own config read or report), to the millisecond. */
  public void seen(DeviceId device) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    lastSeen.merge(device, now, FleetStatus::later);
    unsaved.merge(device, now, FleetStatus::later);
  }

  /** Records a report; {@code byDevice} when the device itself sent it, which marks it seen. */
  public void report(Report report, boolean byDevice) {
    replica.store().addReport(report);
    if (byDevice) {
      seen(report.device());
    }
    synchronized (this) {
      reportsTaken++;
      notifyAll();
    }
  }

  /** How many reports this server has taken since start. */
  public synchronized long reportsTaken() {
    return reportsTaken;
  }

  /** Waits until this server has taken more than {@code seen} reports, or {@code wait} has passed. */
  public synchronized long awaitReport(long seen, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (reportsTaken <= seen) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return reportsTaken;
  }

  /** Every device, optionally only members of {@code group}; stale when not seen for {@code staleAfter}. */
  public List<DeviceStatus> devices(Optional<GroupName> group, Duration staleAfter) {
    Snapshot snapshot = replica.snapshot();
    Map<DeviceId, Map<String, Report>> reports = new TreeMap<>();
    replica.store().latestReports().forEach(report ->
        reports.computeIfAbsent(report.device(), id -> new TreeMap<>()).put(report.namespace(), report));
    Map<DeviceId, Instant> seen = seenEverywhere();
    Map<DeviceId, List<String>> invalid = replica.schemas().broken(snapshot);
    Instant now = clock.instant();
    List<DeviceStatus> out = new ArrayList<>();
    snapshot.devices().values().stream()
        .filter(device -> group.map(device.groups()::contains).orElse(true))
        .sorted(Comparator.comparing(Device::id))
        .forEach(device -> {
          Map<String, Report> reported = reports.getOrDefault(device.id(), Map.of());
          List<NamespaceStatus> namespaces = reported.keySet().stream()
              .map(ns -> new NamespaceStatus(ns,
                  replica.watches().lastChange(new View.DeviceConfig(device.id(), Optional.of(ns))),
                  Optional.of(reported.get(ns))))
              .toList();
          Optional<Instant> last = Optional.ofNullable(seen.get(device.id()));
          boolean stale = last.map(at -> at.plus(staleAfter).isBefore(now)).orElse(true);
          Revision desired = replica.watches().lastChange(new View.DeviceConfig(device.id(), Optional.empty()));
          out.add(new DeviceStatus(device, desired, namespaces, last, stale,
              invalid.getOrDefault(device.id(), List.of()), snapshot.heldFor(device)));
        });
    return out;
  }

  /** This server's times merged with the saved ones, which other servers on the store also write. */
  private Map<DeviceId, Instant> seenEverywhere() {
    Map<DeviceId, Instant> seen = new HashMap<>(lastSeen);
    try {
      replica.store().lastSeen().forEach((device, at) -> seen.merge(device, at, FleetStatus::later));
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read saved last-seen times: " + e.getMessage());
    }
    return seen;
  }

  private void saveEvery() {
    while (true) {
      try {
        Thread.sleep(SAVE_EVERY);
      } catch (InterruptedException e) {
        return;
      }
      save();
    }
  }

  /** Saves the times noted since the last save; on failure they wait for the next one. */
  private synchronized void save() {
    Map<DeviceId, Instant> batch = Map.copyOf(unsaved);
    if (batch.isEmpty()) {
      return;
    }
    try {
      replica.store().saveLastSeen(batch);
      batch.forEach(unsaved::remove); // only where no later call came in meanwhile
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot save last-seen times (" + e.getMessage() + "); will try again");
    }
  }

  /** Stops the periodic save and saves what is left; call before closing the store. */
  @Override
  public void close() {
    saver.interrupt();
    save();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
