package io.fleetconf.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A .env file as read by bash {@code source} and python-dotenv: one {@code NAME=value} per leaf,
 * names in UPPER_SNAKE_CASE. See {@link #quote} for the value rules.
 */
final class EnvFormat {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@+,%-]+");
  // python-dotenv's interpolation (variables.py), applied to every value, quoted or not.
  private static final Pattern DOTENV_VARIABLE = Pattern.compile("\\$\\{[^}:]*(?::-[^}]*)?}");
  private static final String LITERAL_AFTER_DOLLAR = " \t\n\"\\'%&)+,./:;<=>]^|}~";

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
      out.append(name).append('=').append(quote(name, key, value)).append('\n');
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
   * Writes a value so that bash ({@code set -a; . file}) and python-dotenv ({@code dotenv_values})
   * read it back unchanged, or refuses it: numbers, booleans and plain words bare; otherwise in
   * single quotes, which bash takes literally and python-dotenv nearly so (it decodes {@code \\} and
   * {@code \'}); a value holding {@code '}, {@code \\} or a line break in double quotes, with only
   * {@code \} and {@code "} escaped: the two escapes both readers decode alike. docs/api.md
   * (Values) lists the values refused.
   */
  static String quote(String name, String key, JsonNode value) {
    String text = value.asText();
    if (!value.isTextual() || BARE.matcher(text).matches()) {
      return text;
    }
    unwritable(text).ifPresent(why -> {
      throw new DocumentException("key '" + key + "' cannot be written as " + name + " in .env: " + why);
    });
    boolean singleQuotable = text.indexOf('\'') < 0 && !text.contains("\\\\");
    if (singleQuotable && text.indexOf('\n') < 0) {
      return "'" + text + "'";
    }
    if (doubleQuotable(text)) {
      StringBuilder out = new StringBuilder(text.length() + 8).append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        out.append(c == '\\' || c == '"' ? "\\" : "").append(c);
      }
      return out.append('"').toString();
    }
    if (singleQuotable) {
      return "'" + text + "'";
    }
    throw new DocumentException("key '" + key + "' cannot be written as " + name + " in .env: its value holds"
        + " ' or \\\\, which only double quotes can carry, and $ or ` there, which bash expands and"
        + " python-dotenv cannot escape");
  }

  /** Why no quoting reads back as this value in both bash and python-dotenv, if none does. */
  private static Optional<String> unwritable(String text) {
    if (text.indexOf('\r') >= 0) {
      // Python reads the file in text mode (a CR becomes \n); bash decodes no \r in "...".
      return Optional.of("its value holds a carriage return, which python-dotenv reads as a line break"
          + " and bash cannot read from an escape");
    }
    if (text.indexOf('\0') >= 0) {
      return Optional.of("its value holds a NUL character, which no shell variable can hold");
    }
    if (text.endsWith("\\")) {
      return Optional.of("its value ends with a backslash, which python-dotenv reads as escaping the closing quote");
    }
    if (DOTENV_VARIABLE.matcher(text).find()) {
      return Optional.of("its value holds ${...}, which python-dotenv replaces with a variable's value even inside"
          + " single quotes");
    }
    return Optional.empty();
  }

  // Inside double quotes bash expands $ unless one of LITERAL_AFTER_DOLLAR follows, and python-dotenv
  // keeps the backslash of \$ or \`: such a value has no double-quoted spelling.
  private static boolean doubleQuotable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '`' || (c == '$' && i + 1 < text.length() && LITERAL_AFTER_DOLLAR.indexOf(text.charAt(i + 1)) < 0)) {
        return false;
      }
    }
    return true;
  }

  static ObjectNode parse(String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    reader(text).forEachAssignment((key, value, line) -> out.put(key, value));
    return out;
  }

  /**
   * As {@link #parse}, names lower-cased. Two names that differ only in case are refused: bash and
   * python-dotenv read two variables, which one key cannot hold. A name written twice keeps its
   * last value, as they do.
   */
  static ObjectNode parseLowerCased(String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    Map<String, Written> firstByKey = new HashMap<>();
    reader(text).forEachAssignment((name, value, line) -> {
      String key = name.toLowerCase(Locale.ROOT);
      Written first = firstByKey.putIfAbsent(key, new Written(name, line));
      if (first != null && !first.name().equals(name)) {
        throw new DocumentException("malformed .env at line " + line + ": '" + name + "' and '" + first.name()
            + "' (line " + first.line() + ") both import as the key " + key);
      }
      out.put(key, value);
    });
    return out;
  }

  private record Written(String name, int line) {}

  private static EnvReader reader(String text) {
    return new EnvReader(text.startsWith("\uFEFF") ? text.substring(1) : text);
  }
}
