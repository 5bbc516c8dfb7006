package io.fleetconf.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code .env} files as python-dotenv, docker compose and {@code bash} read them. Nested keys are
 * flattened with {@code _} into UPPER_SNAKE names ({@code tv_scheduler.rules[0].name} becomes
 * {@code RULES_0_NAME} within its namespace). Values are bare when safe, single-quoted (literal
 * everywhere) when they hold no quote or line break, and double-quoted with backslash escapes
 * otherwise.
 */
final class EnvFormat {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@+,%-]+");
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
  private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

  private EnvFormat() {}

  static String render(JsonNode tree) {
    StringBuilder out = new StringBuilder();
    Map<String, String> seen = new HashMap<>();
    Leaves.walk(tree, (path, value) -> {
      String name = name(path);
      String dotted = Leaves.dotted(path);
      String earlier = seen.putIfAbsent(name, dotted);
      if (earlier != null) {
        throw new DocumentException("keys '" + earlier + "' and '" + dotted + "' both render as " + name + " in .env");
      }
      out.append(name).append('=').append(quote(value.isTextual() ? value.asText() : value.asText())).append('\n');
    });
    return out.toString();
  }

  static String name(List<Leaves.Step> path) {
    String joined = path.stream()
        .map(step -> CAMEL.matcher(step.name()).replaceAll("_"))
        .collect(Collectors.joining("_"))
        .replaceAll("[^A-Za-z0-9_]", "_")
        .toUpperCase(Locale.ROOT);
    return Character.isDigit(joined.charAt(0)) ? "_" + joined : joined;
  }

  static String quote(String value) {
    if (BARE.matcher(value).matches()) {
      return value;
    }
    if (value.indexOf('\'') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return "'" + value + "'";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '$' -> out.append("\\$");
        case '`' -> out.append("\\`");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  static ObjectNode parse(String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).stripLeading();
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new DocumentException(".env line " + lineNumber + " has no '=': expected KEY=value");
      }
      String key = line.substring(0, eq).strip();
      if (!KEY.matcher(key).matches()) {
        throw new DocumentException(".env line " + lineNumber + " has an invalid name '" + key + "'");
      }
      String rest = line.substring(eq + 1).stripLeading();
      if (rest.startsWith("\"")) {
        StringBuilder raw = new StringBuilder(rest.substring(1));
        int close;
        while ((close = closingQuote(raw)) < 0) {
          if (++i >= lines.size()) {
            throw new DocumentException(".env line " + lineNumber + " opens a double quote that is never closed");
          }
          raw.append('\n').append(lines.get(i));
        }
        out.put(key, unescape(raw.substring(0, close)));
      } else if (rest.startsWith("'")) {
        int close = rest.indexOf('\'', 1);
        if (close < 0) {
          throw new DocumentException(".env line " + lineNumber + " opens a single quote that is never closed");
        }
        out.put(key, rest.substring(1, close));
      } else {
        int comment = rest.indexOf(" #");
        out.put(key, (comment < 0 ? rest : rest.substring(0, comment)).strip());
      }
    }
    return out;
  }

  private static int closingQuote(CharSequence raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 == raw.length()) {
        out.append(c);
        continue;
      }
      char next = raw.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case '\\', '"', '$', '`', '\'' -> out.append(next);
        default -> out.append('\\').append(next);
      }
    }
    return out.toString();
  }
}
