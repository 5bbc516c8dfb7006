package io.fleetconf.server.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.Utf8;
import io.fleetconf.core.ValueLimits;
import io.fleetconf.format.DocumentException;
import io.fleetconf.format.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Consul values are bytes; fleetconf's are JSON. The mapping keeps every byte a Consul client
 * writes, and gives layered keys typed values where the bytes say so exactly:
 *
 * <ul>
 *   <li>bytes that are the compact JSON text of a number, a boolean, an object or an array (as
 *       {@code 8080}, {@code 1.50}, {@code true}, {@code {"a":1}}) become that JSON value, numbers
 *       keeping their text, so that a port written through Consul is a number in a device's YAML,
 *       and an object mounts as a subtree;
 *   <li>any other UTF-8 text (as {@code hello}, {@code 08080}, {@code "quoted"}, YAML, or JSON
 *       nested deeper than a value may be) becomes a JSON string holding it;
 *   <li>bytes that are not UTF-8 (gzip, msgpack, protobuf) become a binary value, which the native
 *       API and device configs show as base64 text (docs/consul-compatibility.md);
 *   <li>a string reads back as its text, a binary value as its bytes, any other value as its
 *       compact JSON text.
 * </ul>
 *
 * <p>So reading gives back exactly the bytes written; and writing the bytes a read gave keeps the value
 * read, whatever its type ({@link #fromBytes(byte[], Optional)}).
 */
public final class ConsulValues {
  private ConsulValues() {}

  /**
   * The value Consul bytes written over {@code current} stand for: {@code current} itself if the bytes are what a
   * read of it gives, so that writing back what was read (an export and import) changes nothing, a string
   * {@code "1.10"} included, which the bytes alone would make the number {@code 1.10}.
   */
  public static JsonNode fromBytes(byte[] bytes, Optional<JsonNode> current) {
    return current.filter(value -> java.util.Arrays.equals(toBytes(value), bytes)).orElseGet(() -> fromBytes(bytes));
  }

  /** The value Consul bytes stand for. */
  public static JsonNode fromBytes(byte[] bytes) {
    Optional<String> utf8 = Utf8.decode(bytes);
    if (utf8.isEmpty()) {
      return BinaryNode.valueOf(bytes);
    }
    String text = utf8.get();
    if (text.isEmpty() || "-0123456789tf{[".indexOf(text.charAt(0)) < 0) {
      return TextNode.valueOf(text);
    }
    try {
      JsonNode parsed = Json.read(text, ValueLimits.MAX_DEPTH);
      if (!parsed.isTextual() && !parsed.isNull() && Json.write(parsed).equals(text)) {
        return parsed;
      }
    } catch (DocumentException notJson) {
      // plain text that happens to start like JSON, or JSON nested deeper than a value may be
    }
    return TextNode.valueOf(text);
  }

  /** The bytes a Consul client reads for {@code value}. */
  public static byte[] toBytes(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue().getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof BinaryNode binary) {
      return binary.binaryValue();
    }
    return Json.write(value).getBytes(StandardCharsets.UTF_8);
  }
}
