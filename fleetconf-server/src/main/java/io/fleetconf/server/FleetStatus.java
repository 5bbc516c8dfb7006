package io.fleetconf.server;

import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Desired against reported, per device: what the server says a device should run (the last
 * revision that changed its config, per namespace) and what its agent last said it runs.
 */
public final class FleetStatus {

  /** One namespace of one device: the revision it should be at and the latest report on it. */
  public record NamespaceStatus(String namespace, Revision desired, Optional<Report> reported) {
    /** Reported, but at a revision older than the one that last changed this namespace. */
    public boolean drift() {
      return reported.map(report -> desired.isAfter(report.revision())).orElse(false);
    }
  }

  /** One device's line in the fleet view. */
  public record DeviceStatus(
      Device device, Revision desired, List<NamespaceStatus> namespaces, Optional<Instant> lastSeen, boolean stale) {
    public boolean drift() {
      return namespaces.stream().anyMatch(NamespaceStatus::drift);
    }

    /** The worst reported status: rolled_back, then failed, then applied; empty if none reported. */
    public Optional<Report.Status> status() {
      return namespaces.stream().flatMap(ns -> ns.reported().stream()).map(Report::status)
          .reduce(Report.Status::worse);
    }
  }

  private final Fleet fleet;
  private final Clock clock;
  private final Map<DeviceId, Instant> lastSeen = new ConcurrentHashMap<>();

  public FleetStatus(Fleet fleet, Clock clock) {
    this.fleet = fleet;
    this.clock = clock;
    fleet.store().latestReports().forEach(report -> lastSeen.merge(report.device(), report.time(), FleetStatus::later));
  }

  /** Notes that a device called in (a config read or a report). */
  public void seen(DeviceId device) {
    lastSeen.merge(device, clock.instant(), FleetStatus::later);
  }

  public void report(Report report) {
    fleet.store().addReport(report);
    seen(report.device());
  }

  /** Every device, optionally only members of {@code group}; stale when not seen for {@code staleAfter}. */
  public List<DeviceStatus> devices(Optional<GroupName> group, Duration staleAfter) {
    Snapshot snapshot = fleet.snapshot();
    Map<DeviceId, Map<String, Report>> reports = new TreeMap<>();
    fleet.store().latestReports().forEach(report ->
        reports.computeIfAbsent(report.device(), id -> new TreeMap<>()).put(report.namespace(), report));
    Instant now = clock.instant();
    List<DeviceStatus> out = new ArrayList<>();
    snapshot.devices().values().stream()
        .filter(device -> group.map(device.groups()::contains).orElse(true))
        .sorted(Comparator.comparing(Device::id))
        .forEach(device -> {
          Map<String, Report> reported = reports.getOrDefault(device.id(), Map.of());
          List<NamespaceStatus> namespaces = reported.keySet().stream()
              .map(ns -> new NamespaceStatus(ns,
                  fleet.watches().lastChange(new View.DeviceConfig(device.id(), Optional.of(ns))),
                  Optional.of(reported.get(ns))))
              .toList();
          Optional<Instant> seen = Optional.ofNullable(lastSeen.get(device.id()));
          boolean stale = seen.map(at -> at.plus(staleAfter).isBefore(now)).orElse(true);
          Revision desired = fleet.watches().lastChange(new View.DeviceConfig(device.id(), Optional.empty()));
          out.add(new DeviceStatus(device, desired, namespaces, seen, stale));
        });
    return out;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
