package io.fleetconf.server.http;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Revision;
import io.fleetconf.format.Format;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads request bodies and their fields, with errors that name the field. */
public final class Bodies {
  /** The largest value one entry may hold, in bytes of its JSON encoding. */
  public static final int MAX_VALUE_BYTES = 512 * 1024;
  /** The largest request body for a change set or other JSON documents. */
  public static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

  private Bodies() {}

  /** A value sent as a whole body: JSON (default), YAML, or plain text stored as a string. */
  public static JsonNode value(Request request) {
    String text = request.bodyText(MAX_VALUE_BYTES);
    return switch (request.contentType()) {
      case "", "application/json" -> parse(Format.JSON, text);
      case "application/yaml", "application/x-yaml", "text/yaml" -> parse(Format.YAML, text);
      case "text/plain" -> TextNode.valueOf(text);
      default -> throw new ApiException(415, "unsupported_media_type", "cannot take a value as '"
          + Excerpt.of(request.contentType()) + "'; send application/json, application/yaml or text/plain");
    };
  }

  /** A JSON object body. */
  public static JsonNode object(Request request) {
    String type = request.contentType();
    if (!type.isEmpty() && !type.equals("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "send application/json, not '" + Excerpt.of(type) + "'");
    }
    JsonNode node = parse(Format.JSON, request.bodyText(MAX_DOCUMENT_BYTES));
    if (!node.isObject()) {
      throw new InvalidInputException("invalid_body", "the request body must be a JSON object");
    }
    return node;
  }

  /** A JSON object body read as one of the contract's records (io.fleetconf.api); a field that does not fit is invalid_body. */
  public static <T> T object(Request request, java.util.function.Function<JsonNode, T> reader) {
    JsonNode body = object(request);
    try {
      return reader.apply(body);
    } catch (io.fleetconf.api.WireException e) {
      throw new InvalidInputException("invalid_body", e.getMessage());
    }
  }

  /** A JSON body of any shape (a Consul transaction is an array). */
  public static JsonNode json(Request request) {
    return parse(Format.JSON, request.bodyText(MAX_DOCUMENT_BYTES));
  }

  private static JsonNode parse(Format format, String text) {
    if (text.isBlank()) {
      throw new InvalidInputException("invalid_body", "the request body is empty; send a value");
    }
    return format.parse(text);
  }

  /** Refuses a value whose JSON encoding is over {@link #MAX_VALUE_BYTES}. */
  public static JsonNode checkSize(JsonNode value, String what) {
    if (value.toString().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw new ApiException(413, "too_large", what + " is larger than the " + MAX_VALUE_BYTES + "-byte limit");
    }
    return value;
  }

  public static String text(JsonNode body, String field) {
    return optionalText(body, field).orElseThrow(
        () -> new InvalidInputException("invalid_body", "field '" + field + "' is required"));
  }

  public static Optional<String> optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new InvalidInputException("invalid_body", "field '" + field + "' must be a string");
    }
    return Optional.of(node.asText());
  }

  public static Optional<Revision> optionalRevision(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.canConvertToExactIntegral() || node.asLong() < 0) {
      throw new InvalidInputException("invalid_body", "field '" + field + "' must be a revision number");
    }
    return Optional.of(Revision.of(node.asLong()));
  }

  public static Revision revision(JsonNode body, String field) {
    return optionalRevision(body, field).orElseThrow(
        () -> new InvalidInputException("invalid_body", "field '" + field + "' is required"));
  }

  public static boolean flag(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new InvalidInputException("invalid_body", "field '" + field + "' must be true or false");
    }
    return node.asBoolean();
  }
}
