package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.api.DeviceInfo;
import io.fleetconf.api.StoredReport;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Origin;
import io.fleetconf.core.Revision;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of the native API, in one place (see docs/openapi.yaml). */
public final class ApiJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ApiJson() {}

  /** Every time in the API: ISO-8601 in UTC, to the millisecond, e.g. {@code 2026-12-02T03:00:00.120Z}. */
  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  public static String time(java.time.Instant instant) {
    return TIME.format(instant);
  }

  public static ObjectNode object() {
    return JSON.objectNode();
  }

  public static ArrayNode array() {
    return JSON.arrayNode();
  }

  /** What stands in for a secret value a caller may not see. */
  public static final JsonNode MASK = Entry.MASK;

  /**
   * What a caller may see of history: changes to the keys it reads, device changes if it reads
   * devices, and secret values as they are only if it reads secrets.
   */
  public record Sight(java.util.function.Predicate<io.fleetconf.core.Key> keys, boolean devices, boolean secrets) {
    JsonNode value(Entry entry) {
      return entry.secret() && !secrets ? MASK : entry.value();
    }
  }

  public static ObjectNode entry(Entry entry, boolean reveal) {
    ObjectNode out = JSON.objectNode();
    out.put("key", entry.key().toString());
    out.put("scope", entry.key().scope().toString());
    out.put("path", entry.key().path().toString());
    setValue(out, "value", entry.secret() && !reveal ? MASK : entry.value(), "encoding");
    if (entry.secret()) {
      out.put("secret", true);
      out.put("masked", !reveal);
    }
    if (entry.replace()) {
      out.put("replace", true);
    }
    out.put("createRevision", entry.createRevision().value());
    out.put("modRevision", entry.modRevision().value());
    out.put("version", entry.version());
    return out;
  }

  public static ObjectNode device(Device device) {
    return deviceInfo(device).toJson();
  }

  /** A device as the contract has it (io.fleetconf.api). */
  public static DeviceInfo deviceInfo(Device device) {
    return new DeviceInfo(device.id().value(), device.groups().stream().map(GroupName::value).toList(),
        device.sortedLabels());
  }

  public static ConfigAnswer.Origin origin(Origin origin) {
    return new ConfigAnswer.Origin(origin.scope().toString(), origin.key().toString(), origin.revision().value());
  }

  public static ObjectNode changeSet(ChangeSet changeSet, Sight sight) {
    ObjectNode out = JSON.objectNode();
    out.put("revision", changeSet.revision().value());
    out.put("author", changeSet.author());
    out.put("time", time(changeSet.time()));
    out.put("message", changeSet.message());
    out.put("source", changeSet.source());
    changeSet.commit().ifPresent(commit -> out.put("commit", commit));
    ArrayNode changes = out.putArray("changes");
    changeSet.changes().stream().filter(change -> switch (change) {
      case Change.EntryChange entry -> sight.keys().test(entry.key());
      case Change.DeviceChange device -> sight.devices();
    }).forEach(change -> changes.add(change(change, sight)));
    return out;
  }

  private static ObjectNode change(Change change, Sight sight) {
    ObjectNode out = JSON.objectNode();
    switch (change) {
      case Change.EntryChange entry -> {
        out.put("kind", "entry");
        out.put("key", entry.key().toString());
        out.put("action", action(entry.before(), entry.after()));
        entry.before().ifPresent(before -> setValue(out, "before", sight.value(before), "beforeEncoding"));
        entry.after().ifPresent(after -> setValue(out, "after", sight.value(after), "afterEncoding"));
        if (entry.before().map(Entry::secret).orElse(false) || entry.after().map(Entry::secret).orElse(false)) {
          out.put("secret", true);
        }
        entry.before().filter(Entry::replace).ifPresent(before -> out.put("beforeReplace", true));
        entry.after().filter(Entry::replace).ifPresent(after -> out.put("afterReplace", true));
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
    from.ifPresent(value -> setValue(out, "from", value, "fromEncoding"));
    to.ifPresent(value -> setValue(out, "to", value, "toEncoding"));
    return out;
  }

  /**
   * Sets a value; a binary one (bytes written through Consul that are not UTF-8) is written as its
   * base64 text, with {@code encodingField} saying {@code base64}.
   */
  private static void setValue(ObjectNode out, String field, JsonNode value, String encodingField) {
    if (value.isBinary()) {
      out.put(field, value.asText());
      out.put(encodingField, "base64");
    } else {
      out.set(field, value);
    }
  }

  public static StoredReport report(io.fleetconf.core.Report report) {
    return new StoredReport(report.namespace(), report.revision().value(), report.contentHash(),
        report.status().wire(), report.error(), report.agentVersion(), time(report.time()),
        report.running().map(Revision::value));
  }

  public static ObjectNode stringMap(Map<String, String> map) {
    ObjectNode out = JSON.objectNode();
    map.forEach(out::put);
    return out;
  }

  /** The answer to a dry run: the change set, the schemas' verdict, and the devices it changes, alike ones grouped. */
  public static ObjectNode dryRun(io.fleetconf.server.Impact impact, Sight sight) {
    ObjectNode out = object();
    out.put("dryRun", true);
    out.set("changeSet", changeSet(impact.changeSet(), sight));
    ObjectNode schema = out.putObject("schema");
    schema.put("valid", impact.schemaRefusal().isEmpty());
    impact.schemaRefusal().ifPresent(refusal -> schema.put("message", refusal));
    out.put("devices", impact.devices().size());
    ArrayNode groups = out.putArray("impact");
    for (io.fleetconf.server.Impact.Group group : impact.groups()) {
      ObjectNode item = groups.addObject();
      item.put("kind", group.kind().name().toLowerCase(java.util.Locale.ROOT));
      ArrayNode devices = item.putArray("devices");
      group.devices().forEach(device -> devices.add(device.toString()));
      ArrayNode differences = item.putArray("differences");
      group.differences().forEach(d -> differences.add(difference(d.name(), "path", d.from(), d.to())));
    }
    return out;
  }
}
