package io.fleetconf.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Java .properties file: keys are paths joined with {@code .}, array elements {@code name[0]}
 * (as Spring binds them). Escaped so that {@link Properties#load(java.io.InputStream)}, which reads
 * ISO-8859-1, gets every character back.
 */
final class PropertiesFormat {
  private static final Pattern HEX4 = Pattern.compile("[0-9A-Fa-f]{4}");

  private PropertiesFormat() {}

  static String render(JsonNode tree) {
    if (!tree.isObject()) {
      throw new DocumentException("only an object can be rendered as .properties, not "
          + tree.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    StringBuilder out = new StringBuilder();
    flatten(tree, out);
    return out.toString();
  }

  /** A leaf's property name, and its path for messages, e.g. {@code rules[0]/name}. */
  private record Name(String property, String path) {}

  /**
   * Writes one line per leaf. Two leaves that would write the same name are refused: Properties
   * keeps the last line, so the file would hold one of the two values silently.
   */
  private static void flatten(JsonNode tree, StringBuilder out) {
    Map<String, String> pathByName = new HashMap<>();
    Leaves.forEach(tree, new Name("", ""), new Leaves.Naming<>() {
      @Override
      public Name member(Name parent, String key) {
        return new Name(parent.property().isEmpty() ? key : parent.property() + "." + key,
            Leaves.memberPath(parent.path(), key));
      }

      @Override
      public Name element(Name parent, int index) {
        return new Name(parent.property() + "[" + index + "]", parent.path() + "[" + index + "]");
      }
    }, (name, value) -> {
      String earlier = pathByName.putIfAbsent(name.property(), name.path());
      if (earlier != null) {
        throw new DocumentException("keys '" + earlier + "' and '" + name.path() + "' both render as "
            + name.property() + " in .properties");
      }
      escape(name.property(), true, out);
      out.append('=');
      escape(value.asText(), false, out);
      out.append('\n');
    });
  }

  private static void escape(String text, boolean isKey, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        // A key ends at the first unescaped separator; a value only loses its leading blanks.
        case ' ' -> out.append(isKey || i == 0 ? "\\ " : " ");
        case ':', '=', '#', '!' -> out.append(isKey ? "\\" : "").append(c);
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  static ObjectNode parse(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IllegalArgumentException e) {
      // The only complaint Properties.load has; it does not say where.
      throw new DocumentException("malformed .properties at line " + lineOfBadUnicodeEscape(text)
          + ": malformed \\uxxxx escape");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(properties).forEach((key, value) -> out.put((String) key, (String) value));
    return out;
  }

  /** The line of the first backslash-u not followed by four hex digits, outside comments. */
  private static int lineOfBadUnicodeEscape(String text) {
    String src = text.replace("\r\n", "\n").replace('\r', '\n');
    int line = 1;
    boolean atStart = true;
    boolean continued = false;
    boolean comment = false;
    for (int i = 0; i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '\n') {
        line++;
        atStart = true;
        continued = false;
        comment = false;
        continue;
      }
      if (atStart && (c == ' ' || c == '\t' || c == '\f')) {
        continue;
      }
      if (atStart) {
        // A continuation line is never a comment, even when it starts with '#'.
        comment = !continued && (c == '#' || c == '!');
        atStart = false;
      }
      if (comment || c != '\\' || i + 1 == src.length()) {
        continue;
      }
      char next = src.charAt(++i);
      String digits = src.substring(i + 1, Math.min(i + 5, src.length()));
      if (next == 'u' && !HEX4.matcher(digits).matches()) {
        return line;
      }
      if (next == '\n') {
        line++;
        atStart = true;
        continued = true;
      }
    }
    return line;
  }
}
