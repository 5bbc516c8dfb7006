package io.fleetconf.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Java {@code .properties}: dotted keys with Spring-style indexes ({@code rules[0].name}), escaped
 * so that {@link Properties#load(java.io.InputStream)} (ISO-8859-1) reads back the same strings.
 */
final class PropertiesFormat {
  private PropertiesFormat() {}

  static String render(JsonNode tree) {
    StringBuilder out = new StringBuilder();
    Leaves.walk(tree, (path, value) -> out.append(escape(Leaves.dotted(path), true))
        .append('=').append(escape(value.asText(), false)).append('\n'));
    return out.toString();
  }

  private static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
        case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static ObjectNode parse(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new DocumentException("malformed properties: " + e.getMessage());
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeSet<>(properties.stringPropertyNames()).forEach(name -> out.put(name, properties.getProperty(name)));
    return out;
  }
}
