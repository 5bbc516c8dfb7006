package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * An INI inventory value as Ansible's INI plugin reads it: Python's {@code ast.literal_eval} of the
 * text ({@code 8080} an int, {@code 1.10} a float, {@code "x"} the string x, {@code True}, {@code None},
 * lists and dicts), and the text itself when that fails ({@code yes}, {@code true}, {@code 010}).
 */
final class IniValue {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final String text;
  private int at;

  private IniValue(String text) {
    this.text = text;
  }

  static JsonNode parse(String text) {
    try {
      IniValue parser = new IniValue(text);
      parser.skipSpace();
      JsonNode value = parser.expression();
      parser.skipSpace();
      if (parser.at < text.length()) {
        return NODES.textNode(text);
      }
      return value;
    } catch (NotALiteral e) {
      return NODES.textNode(text);
    }
  }

  private static final class NotALiteral extends RuntimeException {
    NotALiteral() {
      super(null, null, false, false);
    }
  }

  private JsonNode expression() {
    if (at >= text.length()) {
      throw new NotALiteral();
    }
    char c = text.charAt(at);
    if (c == '[' || c == '(') {
      return sequence(c == '[' ? ']' : ')');
    }
    if (c == '{') {
      return mapping();
    }
    if (c == '\'' || c == '"') {
      StringBuilder joined = new StringBuilder(string());
      while (true) { // adjacent literals concatenate, as in Python
        int mark = at;
        skipSpace();
        if (at < text.length() && (text.charAt(at) == '\'' || text.charAt(at) == '"')) {
          joined.append(string());
        } else {
          at = mark;
          return NODES.textNode(joined.toString());
        }
      }
    }
    if (c == '-' || c == '+') {
      at++;
      skipSpace();
      JsonNode number = number();
      if (c == '+') {
        return number;
      }
      return number.isDouble() ? NODES.numberNode(-number.doubleValue()) : NODES.numberNode(number.bigIntegerValue().negate());
    }
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    String word = word();
    return switch (word) {
      case "True" -> NODES.booleanNode(true);
      case "False" -> NODES.booleanNode(false);
      case "None" -> NODES.nullNode();
      default -> throw new NotALiteral();
    };
  }

  private String word() {
    int start = at;
    while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
      at++;
    }
    return text.substring(start, at);
  }

  private JsonNode number() {
    int start = at;
    while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
        || text.charAt(at) == '.' || ((text.charAt(at) == '-' || text.charAt(at) == '+')
            && (text.charAt(at - 1) == 'e' || text.charAt(at - 1) == 'E')))) {
      at++;
    }
    String token = text.substring(start, at);
    if (token.startsWith("_") || token.endsWith("_") || token.contains("__") || token.contains("_.")
        || token.contains("._")) {
      throw new NotALiteral();
    }
    String plain = token.replace("_", "");
    String lower = plain.toLowerCase(java.util.Locale.ROOT);
    try {
      if (lower.matches("0x[0-9a-f]+")) {
        return NODES.numberNode(new BigInteger(plain.substring(2), 16));
      }
      if (lower.matches("0o[0-7]+")) {
        return NODES.numberNode(new BigInteger(plain.substring(2), 8));
      }
      if (lower.matches("0b[01]+")) {
        return NODES.numberNode(new BigInteger(plain.substring(2), 2));
      }
      if (plain.matches("[1-9][0-9]*|0+")) {
        return integer(new BigInteger(plain));
      }
      if (lower.matches("([0-9]+\\.[0-9]*|\\.[0-9]+)(e[-+]?[0-9]+)?|[0-9]+e[-+]?[0-9]+")) {
        return NODES.numberNode(Double.parseDouble(plain));
      }
    } catch (NumberFormatException e) {
      throw new NotALiteral();
    }
    throw new NotALiteral();
  }

  private static JsonNode integer(BigInteger value) {
    return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
  }

  private String string() {
    char quote = text.charAt(at);
    boolean triple = text.startsWith(String.valueOf(quote).repeat(3), at);
    at += triple ? 3 : 1;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw new NotALiteral();
      }
      char c = text.charAt(at);
      if (triple ? text.startsWith(String.valueOf(quote).repeat(3), at) : c == quote) {
        at += triple ? 3 : 1;
        return out.toString();
      }
      if (c == '\\' && at + 1 < text.length()) {
        char e = text.charAt(at + 1);
        at += 2;
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case '0' -> out.append('\0');
          case '\\', '\'', '"' -> out.append(e);
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append('\\').append(e);
        }
        continue;
      }
      out.append(c);
      at++;
    }
  }

  private ArrayNode sequence(char close) {
    at++;
    ArrayNode array = NODES.arrayNode();
    skipSpace();
    while (at < text.length() && text.charAt(at) != close) {
      array.add(expression());
      skipSpace();
      if (at < text.length() && text.charAt(at) == ',') {
        at++;
        skipSpace();
      } else if (at >= text.length() || text.charAt(at) != close) {
        throw new NotALiteral();
      }
    }
    if (at >= text.length()) {
      throw new NotALiteral();
    }
    at++;
    return array;
  }

  private ObjectNode mapping() {
    at++;
    ObjectNode object = NODES.objectNode();
    skipSpace();
    while (at < text.length() && text.charAt(at) != '}') {
      JsonNode key = expression();
      skipSpace();
      if (at >= text.length() || text.charAt(at) != ':') {
        throw new NotALiteral();
      }
      at++;
      skipSpace();
      object.set(key.isTextual() ? key.textValue() : key.toString(), expression());
      skipSpace();
      if (at < text.length() && text.charAt(at) == ',') {
        at++;
        skipSpace();
      } else if (at >= text.length() || text.charAt(at) != '}') {
        throw new NotALiteral();
      }
    }
    if (at >= text.length()) {
      throw new NotALiteral();
    }
    at++;
    return object;
  }

  /** Spaces, and a Python comment to the end of the text. */
  private void skipSpace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#') {
        at = text.length();
      } else if (Character.isWhitespace(c)) {
        at++;
      } else {
        return;
      }
    }
  }
}
