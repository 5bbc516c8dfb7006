package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the fields of the bodies. Reading what a peer sent is strict (errors name the
 * field); reading an answer is lenient, as a client takes what it can use.
 */
final class Fields {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Fields() {}

  static String text(JsonNode body, String field) {
    return optionalText(body, field).orElseThrow(() -> new WireException("field '" + field + "' is required"));
  }

  static Optional<String> optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new WireException("field '" + field + "' must be a string");
    }
    return Optional.of(node.asText());
  }

  static long revision(JsonNode body, String field) {
    return optionalRevision(body, field).orElseThrow(() -> new WireException("field '" + field + "' is required"));
  }

  static Optional<Long> optionalRevision(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.canConvertToExactIntegral() || node.asLong() < 0) {
      throw new WireException("field '" + field + "' must be a revision number");
    }
    return Optional.of(node.asLong());
  }

  /** The text of a field an answer may hold as null or leave out. */
  static Optional<String> nullable(JsonNode body, String field) {
    JsonNode node = body.path(field);
    return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }

  /** The number of a field an answer may hold as null or leave out. */
  static Optional<Long> nullableLong(JsonNode body, String field) {
    JsonNode node = body.path(field);
    return node.canConvertToLong() ? Optional.of(node.asLong()) : Optional.empty();
  }

  static List<String> texts(JsonNode body, String field) {
    List<String> out = new ArrayList<>();
    body.path(field).forEach(item -> out.add(item.asText()));
    return List.copyOf(out);
  }

  static void putText(ObjectNode out, String field, Optional<String> text) {
    text.ifPresentOrElse(value -> out.put(field, value), () -> out.putNull(field));
  }

  static void putLong(ObjectNode out, String field, Optional<Long> number) {
    number.ifPresentOrElse(value -> out.put(field, value.longValue()), () -> out.putNull(field));
  }
}
