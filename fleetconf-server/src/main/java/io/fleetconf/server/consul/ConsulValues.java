package io.fleetconf.server.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Consul values are bytes; fleetconf's are JSON. The mapping keeps every byte a Consul client
 * writes, and gives layered keys typed values where the bytes say so exactly:
 *
 * <ul>
 *   <li>bytes that are the compact JSON text of a number, a boolean, an object or an array (as
 *       {@code 8080}, {@code true}, {@code {"a":1}}) become that JSON value, so that a port written
 *       through Consul is a number in a device's YAML, and an object mounts as a subtree;
 *   <li>any other text (as {@code hello}, {@code 08080}, {@code 1.50}, {@code "quoted"}, YAML)
 *       becomes a JSON string holding it;
 *   <li>a string reads back as its text, any other value as its compact JSON text.
 * </ul>
 *
 * <p>So reading gives back exactly the bytes written. Bytes that are not UTF-8 are refused:
 * fleetconf keeps text, which its layers, diffs and templates need.
 */
public final class ConsulValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsulValues() {}

  /** The value Consul bytes stand for; refuses bytes that are not UTF-8 text. */
  public static JsonNode fromBytes(byte[] bytes) {
    String text = utf8(bytes);
    if (text.isEmpty() || "-0123456789tf{[".indexOf(text.charAt(0)) < 0) {
      return TextNode.valueOf(text);
    }
    try {
      JsonNode parsed = JSON.readTree(text);
      if (parsed != null && !parsed.isTextual() && !parsed.isNull() && JSON.writeValueAsString(parsed).equals(text)) {
        return parsed;
      }
    } catch (JsonProcessingException notJson) {
      // plain text that happens to start like JSON
    }
    return TextNode.valueOf(text);
  }

  /** The bytes a Consul client reads for {@code value}. */
  public static byte[] toBytes(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a value", e);
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("invalid_value",
          "the value is not UTF-8 text; fleetconf keeps values as text (binary values are not supported)");
    }
  }
}
