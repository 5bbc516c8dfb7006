package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.format.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of a {@link Config} as the server, a local file or a code default gave it: a string,
 * number, boolean, list or map. Immutable. Numbers keep their text: {@code 1.10} stays {@code 1.10}.
 */
public final class ConfigValue {
  private final JsonNode node; // never changed: no one else holds it to change it

  ConfigValue(JsonNode node) {
    this.node = node;
  }

  /** The value as compact JSON, numbers as written: {@code {"volume":40}}, {@code "info"}, {@code 1.10}. */
  public String asJson() {
    return Json.write(node);
  }

  /** A scalar's text (a string's characters, a number as written, {@code true}); a list or map as JSON. */
  public String asText() {
    return node.isValueNode() ? node.asText() : asJson();
  }

  /**
   * The value as plain Java, unmodifiable: a {@code Map<String, Object>} (in the config's key
   * order), a {@code List<Object>}, a {@code String}, a {@code Boolean}, or a {@code BigDecimal} of
   * the number's text (so {@code 1.10} keeps its scale); a JSON null inside is {@code null}.
   */
  public Object asJava() {
    return java(node);
  }

  private static Object java(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(field -> map.put(field.getKey(), java(field.getValue())));
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(java(item)));
      return Collections.unmodifiableList(list);
    }
    if (node.isNumber()) {
      return new BigDecimal(node.asText());
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.isNull() ? null : node.asText();
  }

  /** Equal when the JSON is: two numbers only when their texts are ({@code 1.1} is not {@code 1.10}). */
  @Override
  public boolean equals(Object other) {
    return other instanceof ConfigValue that && node.equals(that.node);
  }

  @Override
  public int hashCode() {
    return node.hashCode();
  }

  /** {@link #asJson()}. */
  @Override
  public String toString() {
    return asJson();
  }
}
