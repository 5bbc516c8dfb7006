package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/v1/fleet/status}: desired against reported, one row per device. */
public record FleetStatusAnswer(List<Row> devices) {

  /**
   * One device: the revision it should run, its worst reported status (null before any report),
   * whether it drifts or is stale, when it was last seen (null if never), per namespace its last
   * report against the revision it should run, how its config breaks a schema, if it does (after a
   * schema written with force), and the software versions it needs for values it is held back from
   * ({@code tv_scheduler >= 2.3}).
   */
  public record Row(DeviceInfo device, long desiredRevision, Optional<String> status, boolean drift, boolean stale,
      Optional<String> lastSeen, List<Namespace> namespaces, List<String> schemaViolations, List<String> held) {

    ObjectNode toJson() {
      ObjectNode out = device.toJson();
      out.put("desiredRevision", desiredRevision);
      Fields.putText(out, "status", status);
      out.put("drift", drift);
      out.put("stale", stale);
      Fields.putText(out, "lastSeen", lastSeen);
      ArrayNode list = out.putArray("namespaces");
      namespaces.forEach(ns -> list.add(ns.toJson()));
      ArrayNode violations = out.putArray("schemaViolations");
      schemaViolations.forEach(violations::add);
      ArrayNode needs = out.putArray("held");
      held.forEach(needs::add);
      return out;
    }

    static Row from(JsonNode body) {
      List<Namespace> namespaces = new ArrayList<>();
      body.path("namespaces").forEach(ns -> namespaces.add(Namespace.from(ns)));
      List<String> violations = new ArrayList<>();
      body.path("schemaViolations").forEach(v -> violations.add(v.asText()));
      List<String> held = new ArrayList<>();
      body.path("held").forEach(v -> held.add(v.asText()));
      return new Row(DeviceInfo.from(body), body.path("desiredRevision").asLong(), Fields.nullable(body, "status"),
          body.path("drift").asBoolean(), body.path("stale").asBoolean(), Fields.nullable(body, "lastSeen"),
          List.copyOf(namespaces), List.copyOf(violations), List.copyOf(held));
    }
  }

  /** A namespace's last report, with the revision the device should run for it. */
  public record Namespace(StoredReport reported, long desiredRevision, boolean drift) {
    ObjectNode toJson() {
      ObjectNode out = reported.toJson();
      out.put("desiredRevision", desiredRevision);
      out.put("drift", drift);
      return out;
    }

    static Namespace from(JsonNode body) {
      return new Namespace(StoredReport.from(body), body.path("desiredRevision").asLong(), body.path("drift").asBoolean());
    }
  }

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    ArrayNode list = out.putArray("devices");
    devices.forEach(device -> list.add(device.toJson()));
    return out;
  }

  public static FleetStatusAnswer from(JsonNode body) {
    List<Row> rows = new ArrayList<>();
    body.path("devices").forEach(device -> rows.add(Row.from(device)));
    return new FleetStatusAnswer(List.copyOf(rows));
  }
}
