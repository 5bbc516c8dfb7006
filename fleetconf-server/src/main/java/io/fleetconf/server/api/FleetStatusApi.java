package io.fleetconf.server.api;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Report;
import io.fleetconf.server.FleetStatus;
import io.fleetconf.server.FleetStatus.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;

/** {@code /api/v1/fleet/status}: desired against reported, per device. */
final class FleetStatusApi {
  private static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);
  private final FleetStatus status;

  FleetStatusApi(FleetStatus status) {
    this.status = status;
  }

  void register(Router router) {
    router.on("GET", "/api/v1/fleet/status", this::status);
  }

  private Response status(Request request) {
    Access.readDevices(request);
    Optional<GroupName> group = request.query("group").filter(g -> !g.isEmpty()).map(GroupName::of);
    Duration staleAfter = request.query("staleAfter").map(text -> Watch.parseDuration(text, "staleAfter"))
        .orElse(DEFAULT_STALE_AFTER);
    Predicate<DeviceStatus> filter = request.query("status").filter(s -> !s.isEmpty()).map(FleetStatusApi::filter)
        .orElse(device -> true);
    List<DeviceStatus> devices = status.devices(group, staleAfter).stream().filter(filter).toList();
    ObjectNode body = ApiJson.object();
    ArrayNode list = body.putArray("devices");
    devices.forEach(device -> list.add(device(device)));
    return Response.ok(body);
  }

  private static Predicate<DeviceStatus> filter(String name) {
    return switch (name) {
      case "drift" -> DeviceStatus::drift;
      case "stale" -> DeviceStatus::stale;
      case "unreported" -> device -> device.status().isEmpty();
      case "applied", "failed", "rolled_back" -> device -> device.status().map(Report.Status::wire)
          .filter(name::equals).isPresent();
      default -> throw new InvalidInputException("invalid_parameter", "query parameter 'status' must be applied,"
          + " failed, rolled_back, drift, stale or unreported, was '" + Excerpt.of(name) + "'");
    };
  }

  private static ObjectNode device(DeviceStatus device) {
    ObjectNode out = ApiJson.device(device.device());
    out.put("desiredRevision", device.desired().value());
    device.status().ifPresentOrElse(s -> out.put("status", s.wire()), () -> out.putNull("status"));
    out.put("drift", device.drift());
    out.put("stale", device.stale());
    device.lastSeen().ifPresentOrElse(at -> out.put("lastSeen", ApiJson.time(at)), () -> out.putNull("lastSeen"));
    ArrayNode namespaces = out.putArray("namespaces");
    device.namespaces().forEach(ns -> {
      ObjectNode line = ApiJson.report(ns.reported().orElseThrow());
      line.put("desiredRevision", ns.desired().value());
      line.put("drift", ns.drift());
      namespaces.add(line);
    });
    return out;
  }
}
