package io.fleetconf.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Origin;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of the native API, in one place (see docs/openapi.yaml). */
public final class Wire {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Wire() {}

  public static ObjectNode object() {
    return JSON.objectNode();
  }

  public static ArrayNode array() {
    return JSON.arrayNode();
  }

  public static ObjectNode entry(Entry entry) {
    ObjectNode out = JSON.objectNode();
    out.put("key", entry.key().toString());
    out.put("scope", entry.key().scope().toString());
    out.put("path", entry.key().path().toString());
    out.set("value", entry.value());
    out.put("createRevision", entry.createRevision().value());
    out.put("modRevision", entry.modRevision().value());
    out.put("version", entry.version());
    return out;
  }

  public static ObjectNode device(Device device) {
    ObjectNode out = JSON.objectNode();
    out.put("id", device.id().value());
    ArrayNode groups = out.putArray("groups");
    device.groups().forEach(group -> groups.add(group.value()));
    ObjectNode labels = out.putObject("labels");
    device.sortedLabels().forEach(labels::put);
    return out;
  }

  public static ObjectNode origin(Origin origin) {
    ObjectNode out = JSON.objectNode();
    out.put("scope", origin.scope().toString());
    out.put("key", origin.key().toString());
    out.put("revision", origin.revision().value());
    return out;
  }

  public static ObjectNode changeSet(ChangeSet changeSet) {
    ObjectNode out = JSON.objectNode();
    out.put("revision", changeSet.revision().value());
    out.put("author", changeSet.author());
    out.put("time", changeSet.time().toString());
    out.put("message", changeSet.message());
    out.put("source", changeSet.source());
    ArrayNode changes = out.putArray("changes");
    changeSet.changes().forEach(change -> changes.add(change(change)));
    return out;
  }

  private static ObjectNode change(Change change) {
    ObjectNode out = JSON.objectNode();
    switch (change) {
      case Change.EntryChange entry -> {
        out.put("kind", "entry");
        out.put("key", entry.key().toString());
        out.put("action", action(entry.before(), entry.after()));
        entry.before().ifPresent(before -> out.set("before", before.value()));
        entry.after().ifPresent(after -> out.set("after", after.value()));
      }
      case Change.DeviceChange device -> {
        out.put("kind", "device");
        out.put("device", device.id().value());
        out.put("action", action(device.before(), device.after()));
        device.before().ifPresent(before -> out.set("before", device(before)));
        device.after().ifPresent(after -> out.set("after", device(after)));
      }
    }
    return out;
  }

  private static String action(Optional<?> before, Optional<?> after) {
    return before.isEmpty() ? "create" : after.isEmpty() ? "delete" : "update";
  }

  /** One difference between two views: {@code from}/{@code to} are absent where the value was. */
  public static ObjectNode difference(String name, String field, Optional<JsonNode> from, Optional<JsonNode> to) {
    ObjectNode out = JSON.objectNode();
    out.put(field, name);
    out.put("action", action(from, to));
    from.ifPresent(value -> out.set("from", value));
    to.ifPresent(value -> out.set("to", value));
    return out;
  }

  public static ObjectNode report(io.fleetconf.core.Report report) {
    ObjectNode out = JSON.objectNode();
    out.put("namespace", report.namespace());
    out.put("revision", report.revision().value());
    out.put("hash", report.contentHash());
    out.put("status", report.status().wire());
    report.error().ifPresentOrElse(error -> out.put("error", error), () -> out.putNull("error"));
    out.put("agentVersion", report.agentVersion());
    out.put("time", report.time().toString());
    return out;
  }

  public static ObjectNode stringMap(Map<String, String> map) {
    ObjectNode out = JSON.objectNode();
    map.forEach(out::put);
    return out;
  }
}
