package io.fleetconf.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** The JSON documents the store keeps in text columns: values, entry states and devices. */
final class Codec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Codec() {}

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode a value", e);
    }
  }

  static JsonNode read(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new StoreException("the store holds a document that is not JSON", e);
    }
  }

  static String entryState(Entry entry) {
    ObjectNode doc = JSON.createObjectNode();
    doc.set("value", entry.value());
    doc.put("createRevision", entry.createRevision().value());
    doc.put("modRevision", entry.modRevision().value());
    doc.put("version", entry.version());
    return write(doc);
  }

  static Entry entryState(Key key, String text) {
    JsonNode doc = read(text);
    return new Entry(
        key,
        doc.get("value"),
        Revision.of(doc.get("createRevision").asLong()),
        Revision.of(doc.get("modRevision").asLong()),
        doc.get("version").asLong());
  }

  static String device(Device device) {
    ObjectNode doc = JSON.createObjectNode();
    var groups = doc.putArray("groups");
    device.groups().forEach(group -> groups.add(group.value()));
    ObjectNode labels = doc.putObject("labels");
    device.sortedLabels().forEach(labels::put);
    return write(doc);
  }

  static Device device(DeviceId id, String text) {
    JsonNode doc = read(text);
    List<GroupName> groups = StreamSupport.stream(doc.get("groups").spliterator(), false)
        .map(group -> GroupName.of(group.asText()))
        .toList();
    Map<String, String> labels = new LinkedHashMap<>();
    doc.get("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
    return new Device(id, groups, labels);
  }
}
