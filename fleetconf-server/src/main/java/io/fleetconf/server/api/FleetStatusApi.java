package io.fleetconf.server.api;

import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.core.Excerpt;
import io.fleetconf.api.FleetStatusAnswer;
import io.fleetconf.api.Paths;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Report;
import io.fleetconf.server.FleetStatus;
import io.fleetconf.server.FleetStatus.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** {@code /api/v1/fleet/status}: desired against reported, per device. */
final class FleetStatusApi {
  private static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);
  private final FleetStatus status;

  FleetStatusApi(FleetStatus status) {
    this.status = status;
  }

  void register(Router router) {
    router.on("GET", Paths.FLEET_STATUS, this::status);
  }

  private Response status(Request request) {
    Access.readDevices(request);
    Optional<GroupName> group = request.query("group").filter(g -> !g.isEmpty()).map(GroupName::of);
    Duration staleAfter = request.query("staleAfter").map(text -> Watch.parseDuration(text, "staleAfter"))
        .orElse(DEFAULT_STALE_AFTER);
    Predicate<DeviceStatus> filter = request.query("status").filter(s -> !s.isEmpty()).map(FleetStatusApi::filter)
        .orElse(device -> true);
    List<DeviceStatus> devices = status.devices(group, staleAfter).stream().filter(filter).toList();
    return Response.ok(new FleetStatusAnswer(devices.stream().map(FleetStatusApi::row).toList()).toJson());
  }

  private static Predicate<DeviceStatus> filter(String name) {
    return switch (name) {
      case "drift" -> DeviceStatus::drift;
      case "stale" -> DeviceStatus::stale;
      case "invalid" -> DeviceStatus::invalid;
      case "held" -> device -> !device.held().isEmpty();
      case "unreported" -> device -> device.status().isEmpty();
      case "applied", "failed", "rolled_back" -> device -> device.status().map(Report.Status::wire)
          .filter(name::equals).isPresent();
      default -> throw new InvalidInputException("invalid_parameter", "query parameter 'status' must be applied,"
          + " failed, rolled_back, drift, stale, invalid, held or unreported, was '" + Excerpt.of(name) + "'");
    };
  }

  private static FleetStatusAnswer.Row row(DeviceStatus device) {
    return new FleetStatusAnswer.Row(ApiJson.deviceInfo(device.device()), device.desired().value(),
        device.status().map(Report.Status::wire), device.drift(), device.stale(), device.lastSeen().map(ApiJson::time),
        device.namespaces().stream().map(ns -> new FleetStatusAnswer.Namespace(ApiJson.report(ns.reported().orElseThrow()),
            ns.desired().value(), ns.drift())).toList(), device.schemaViolations(), device.held());
  }
}
