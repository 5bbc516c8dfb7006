package io.fleetconf.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.format.DocumentException;
import io.fleetconf.format.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The JSON documents the store keeps in text columns: values, entry states and devices. A secret
 * value never reaches a column as it is: it is sealed, and the document holds the ciphertext.
 *
 * <p>Values keep their exact text: numbers are read as {@link Json} reads them. A binary value
 * (bytes written through the Consul API that are not UTF-8) is kept as {@code base64:} and its
 * base64 text in a value column, which no JSON text starts with, and under {@code binary} instead
 * of {@code value} in an entry state.
 */
final class Codec {
  private static final ObjectMapper JSON = Json.mapper();
  private static final String BINARY = "base64:";
  private final Sealer sealer;

  Codec(Sealer sealer) {
    this.sealer = sealer;
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode a value", e);
    }
  }

  static JsonNode read(String text) {
    try {
      return Json.read(text);
    } catch (DocumentException e) {
      throw new StoreException("the store holds a document that is not JSON", e);
    }
  }

  /** A value's column text: its JSON, or for a binary value {@code base64:} and the bytes' base64. */
  static String writeValue(JsonNode value) {
    return value.isBinary() ? BINARY + Base64.getEncoder().encodeToString(binary(value)) : write(value);
  }

  static JsonNode readValue(String text) {
    return text.startsWith(BINARY) ? BinaryNode.valueOf(Base64.getDecoder().decode(text.substring(BINARY.length())))
        : read(text);
  }

  private static byte[] binary(JsonNode value) {
    return ((BinaryNode) value).binaryValue();
  }

  /** The text of the {@code value} column: the value, or for a secret its sealed form as a JSON string. */
  String value(Entry entry) {
    return entry.secret() ? write(JSON.getNodeFactory().textNode(seal(entry))) : writeValue(entry.value());
  }

  JsonNode value(Key key, String text, boolean secret) {
    return secret ? open(key, read(text).asText()) : readValue(text);
  }

  String entryState(Entry entry) {
    ObjectNode doc = JSON.createObjectNode();
    if (entry.secret()) {
      doc.put("sealed", seal(entry));
    } else if (entry.value().isBinary()) {
      doc.put("binary", Base64.getEncoder().encodeToString(binary(entry.value())));
    } else {
      doc.set("value", entry.value());
    }
    doc.put("createRevision", entry.createRevision().value());
    doc.put("modRevision", entry.modRevision().value());
    doc.put("version", entry.version());
    if (entry.flags() != 0) {
      doc.put("flags", entry.flags());
    }
    if (entry.replace()) {
      doc.put("replace", true);
    }
    return write(doc);
  }

  Entry entryState(Key key, String text) {
    JsonNode doc = read(text);
    boolean secret = doc.has("sealed");
    return new Entry(
        key,
        secret ? open(key, doc.get("sealed").asText()) : stateValue(doc),
        Revision.of(doc.get("createRevision").asLong()),
        Revision.of(doc.get("modRevision").asLong()),
        doc.get("version").asLong(),
        secret,
        doc.path("flags").asLong(0),
        doc.path("replace").asBoolean(false));
  }

  private static JsonNode stateValue(JsonNode doc) {
    return doc.has("binary") ? BinaryNode.valueOf(Base64.getDecoder().decode(doc.get("binary").asText())) : doc.get("value");
  }

  /** The same entry state, sealed: for history rows of an entry that has just become a secret. */
  String sealedState(Key key, String text) {
    Entry entry = entryState(key, text);
    return entryState(new Entry(key, entry.value(), entry.createRevision(), entry.modRevision(), entry.version(), true,
        entry.flags(), entry.replace()));
  }

  private String seal(Entry entry) {
    return sealer.seal(writeValue(entry.value()).getBytes(StandardCharsets.UTF_8), entry.key().toString());
  }

  private JsonNode open(Key key, String sealed) {
    return readValue(new String(sealer.open(sealed, key.toString()), StandardCharsets.UTF_8));
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
