package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Writes JSON values as YAML that Ansible (PyYAML, YAML 1.1) reads back to the same value and type:
 * a string that YAML 1.1 would take for something else ({@code yes}, {@code 1.10}, {@code ~},
 * {@code 2024-01-31}) is quoted, a float always has the dot PyYAML needs, and what PyYAML cannot
 * read raw (control characters, {@code U+0085}, {@code U+2028}) is escaped. Multi-line strings are
 * literal blocks where that keeps them exact. Variables named in {@code vaulted} are written as
 * {@code !vault |} values, encrypted by the given function.
 */
final class VarsYaml {
  /** Text that PyYAML reads as a plain string: no indicator first, no ': ' or ' #', no YAML 1.1 bool/null word. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./@+,=-]*( [A-Za-z0-9_./@+,=()-]+)*");
  private static final Set<String> WORDS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");
  /** PyYAML's float (the forms without base 60, inf and nan). */
  private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?");
  /** Characters PyYAML's reader refuses, or takes for line breaks, inside a quoted or block scalar. */
  private static final Pattern UNSAFE = Pattern.compile("[^\\x09\\x0A\\x20-\\x7E\\xA0-\\x{2027}\\x{202A}-\\x{D7FF}"
      + "\\x{E000}-\\x{FEFE}\\x{FF00}-\\x{FFFD}\\x{10000}-\\x{10FFFF}]");

  private final StringBuilder out = new StringBuilder();
  private final Set<String> vaulted;
  private final UnaryOperator<String> encrypt;

  private VarsYaml(Set<String> vaulted, UnaryOperator<String> encrypt) {
    this.vaulted = vaulted;
    this.encrypt = encrypt;
  }

  /** A YAML mapping of {@code vars}; a null value is written as nothing after the colon. */
  static String write(ObjectNode vars) {
    return write(vars, Set.of(), text -> {
      throw new IllegalStateException("nothing is vaulted");
    });
  }

  /** As {@link #write(ObjectNode)}, the top-level string variables in {@code vaulted} as {@code !vault |} values. */
  static String write(ObjectNode vars, Set<String> vaulted, UnaryOperator<String> encrypt) {
    if (vars.isEmpty()) {
      return "{}\n";
    }
    VarsYaml yaml = new VarsYaml(vaulted, encrypt);
    yaml.mapping(vars, 0, false, true);
    return yaml.out.toString();
  }

  /** Writes a non-empty mapping; {@code inline}: the first key goes on the current line (after "- "). */
  private void mapping(ObjectNode object, int indent, boolean inline, boolean top) {
    boolean first = true;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!(first && inline)) {
        out.append(" ".repeat(indent));
      }
      first = false;
      out.append(key(field.getKey())).append(':');
      if (top && vaulted.contains(field.getKey())) {
        vault(field.getValue(), indent + 2);
      } else {
        value(field.getValue(), indent + 2);
      }
    }
  }

  private void sequence(JsonNode array, int indent, boolean inline) {
    boolean first = true;
    for (JsonNode item : array) {
      if (!(first && inline)) {
        out.append(" ".repeat(indent));
      }
      first = false;
      out.append('-');
      if (item.isContainerNode() && !item.isEmpty()) {
        out.append(' ');
        if (item.isObject()) {
          mapping((ObjectNode) item, indent + 2, true, false);
        } else {
          sequence(item, indent + 2, true);
        }
      } else {
        value(item, indent + 2);
      }
    }
  }

  /** After "key:" or "-": the value, then the line's end. Block content goes at {@code indent}. */
  private void value(JsonNode value, int indent) {
    if (value.isNull()) {
      out.append('\n');
    } else if (value.isObject() && !value.isEmpty()) {
      out.append('\n');
      mapping((ObjectNode) value, indent, false, false);
    } else if (value.isArray() && !value.isEmpty()) {
      out.append('\n');
      sequence(value, indent, false);
    } else if (value.isTextual() && literalBlock(value.asText())) {
      block(value.asText(), indent);
    } else {
      out.append(' ').append(scalar(value)).append('\n');
    }
  }

  private void vault(JsonNode value, int indent) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException("only a string can be a !vault value");
    }
    out.append(" !vault |\n");
    for (String line : encrypt.apply(value.asText()).split("\n")) {
      out.append(" ".repeat(indent)).append(line).append('\n');
    }
  }

  /** A literal block: {@code |-} without a final newline, {@code |} with one, {@code |+} with more. */
  private void block(String text, int indent) {
    int trailing = 0;
    while (trailing < text.length() && text.charAt(text.length() - 1 - trailing) == '\n') {
      trailing++;
    }
    out.append(trailing == 0 ? " |-" : trailing == 1 ? " |" : " |+").append('\n');
    String body = text.substring(0, text.length() - trailing);
    for (String line : body.split("\n", -1)) {
      out.append(line.isEmpty() ? "" : " ".repeat(indent)).append(line).append('\n');
    }
    out.append("\n".repeat(Math.max(0, trailing - 1)));
  }

  /** Whether a literal block keeps this text exactly: more than one line, none blank-but-spaces, no leading space. */
  private static boolean literalBlock(String text) {
    if (text.indexOf('\n') < 0 || text.startsWith("\n") || text.startsWith(" ") || text.startsWith("\t")
        || UNSAFE.matcher(text).find() || text.indexOf('\r') >= 0) {
      return false;
    }
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty() && line.isBlank()) {
        return false;
      }
    }
    return true;
  }

  static String key(String name) {
    return plain(name) ? name : quoted(name);
  }

  /** One scalar on one line. */
  static String scalar(JsonNode value) {
    if (value.isObject()) {
      return "{}";
    }
    if (value.isArray()) {
      return "[]";
    }
    if (value.isBoolean()) {
      return value.booleanValue() ? "true" : "false";
    }
    if (value.isNumber()) {
      return number(value);
    }
    if (value.isNull()) {
      return "null";
    }
    String text = value.asText();
    return plain(text) ? text : quoted(text);
  }

  private static String number(JsonNode value) {
    String text = value.asText();
    if (value.isIntegralNumber()) {
      return new BigDecimal(text).toBigIntegerExact().toString(); // no leading zero, which would be octal
    }
    if (value.isDouble() && (Double.isNaN(value.doubleValue()) || Double.isInfinite(value.doubleValue()))) {
      double d = value.doubleValue();
      return Double.isNaN(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
    }
    if (FLOAT.matcher(text).matches()) {
      return text;
    }
    String plainText = new BigDecimal(text).toPlainString(); // 1e5: PyYAML reads it as a string
    return plainText.indexOf('.') < 0 ? plainText + ".0" : plainText;
  }

  private static boolean plain(String text) {
    return PLAIN.matcher(text).matches() && !WORDS.contains(text.toLowerCase(java.util.Locale.ROOT));
  }

  /** A double-quoted scalar: YAML's escapes for what may not stand raw. */
  static String quoted(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    text.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        case '\r' -> quoted.append("\\r");
        default -> {
          String s = Character.toString(c);
          if (UNSAFE.matcher(s).matches()) {
            quoted.append(c > 0xFFFF ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
          } else {
            quoted.append(s);
          }
        }
      }
    });
    return quoted.append('"').toString();
  }
}
