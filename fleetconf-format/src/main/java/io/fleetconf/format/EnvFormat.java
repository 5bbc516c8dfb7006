package io.fleetconf.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A .env file as read by bash {@code source}, python-dotenv and docker compose: one
 * {@code NAME=value} per leaf, names in UPPER_SNAKE_CASE. See {@link #quote} for the value rules.
 */
final class EnvFormat {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@+,%-]+");

  private EnvFormat() {}

  static String render(JsonNode tree) {
    if (!tree.isObject()) {
      throw new DocumentException("only an object can be rendered as .env, not "
          + tree.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    StringBuilder out = new StringBuilder();
    Map<String, String> keyByName = new HashMap<>();
    flatten(tree, (name, key, value) -> {
      String earlier = keyByName.putIfAbsent(name, key);
      if (earlier != null) {
        throw new DocumentException(
            "keys '" + earlier + "' and '" + key + "' both render as " + name + " in .env");
      }
      out.append(name).append('=').append(quote(value)).append('\n');
    });
    return out.toString();
  }

  /** A leaf's .env name, and its path for messages, e.g. {@code rules[0]/name}. */
  private record Name(String env, String key) {}

  private interface Leaf {
    void accept(String name, String key, JsonNode value);
  }

  private static void flatten(JsonNode tree, Leaf leaf) {
    Leaves.forEach(tree, new Name("", ""), new Leaves.Naming<>() {
      @Override
      public Name member(Name parent, String key) {
        return new Name(join(parent.env(), segment(key)), Leaves.memberPath(parent.key(), key));
      }

      @Override
      public Name element(Name parent, int index) {
        return new Name(join(parent.env(), Integer.toString(index)), parent.key() + "[" + index + "]");
      }
    }, (name, value) -> {
      // A shell name cannot start with a digit.
      String env = name.env();
      leaf.accept(Character.isDigit(env.charAt(0)) ? "_" + env : env, name.key(), value);
    });
  }

  private static String join(String name, String segment) {
    return name.isEmpty() ? segment : name + "_" + segment;
  }

  /** {@code logLevel}, {@code log-level} and {@code log_level} all give {@code LOG_LEVEL}. */
  static String segment(String key) {
    if (key.isEmpty()) {
      return "_";
    }
    StringBuilder out = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (i > 0 && isUpper(c) && startsWord(key, i)) {
        out.append('_');
      }
      boolean allowed = isUpper(c) || isLower(c) || isDigit(c) || c == '_';
      out.append(allowed ? Character.toUpperCase(c) : '_');
    }
    return out.toString();
  }

  // An upper-case letter starts a word after a lower-case letter or digit (logLevel, ipv4Addr),
  // or ends an acronym when a lower-case letter follows (HTTPServer -> HTTP_SERVER).
  private static boolean startsWord(String key, int i) {
    char before = key.charAt(i - 1);
    boolean lowerNext = i + 1 < key.length() && isLower(key.charAt(i + 1));
    return isLower(before) || isDigit(before) || (isUpper(before) && lowerNext);
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Writes a value so that bash, python-dotenv and compose read it back unchanged: numbers,
   * booleans and plain words bare; anything else in single quotes, which all three take
   * literally; a value holding {@code '} or a line break in double quotes.
   *
   * <p>In double quotes {@code \ " $ `} are escaped and a carriage return is written {@code \r}.
   * A newline and a tab stay literal: bash does not decode {@code \n} or {@code \t} inside double
   * quotes, while all three keep a literal newline or tab, so such a value spans lines.
   */
  static String quote(JsonNode value) {
    String text = value.asText();
    if (!value.isTextual() || BARE.matcher(text).matches()) {
      return text;
    }
    if (text.indexOf('\'') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return "'" + text + "'";
    }
    StringBuilder out = new StringBuilder(text.length() + 8).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\', '"', '$', '`' -> out.append('\\').append(c);
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  static ObjectNode parse(String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    EnvReader reader = new EnvReader(text.startsWith("\uFEFF") ? text.substring(1) : text);
    reader.forEachAssignment((key, value) -> out.put(key, value));
    return out;
  }
}
