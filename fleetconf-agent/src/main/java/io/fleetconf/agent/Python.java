package io.fleetconf.agent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How Python prints a value ({@code str}, {@code repr}) and how its {@code json} module writes one. */
final class Python {
  private Python() {}

  /** A Python tuple: a list that prints as {@code ('a', 1)}. */
  static class Tuple extends ArrayList<Object> {
    Tuple(Collection<?> items) {
      super(items);
    }
  }

  /** {@code str(value)}: text as is, {@code True}, {@code None}, containers as their repr. */
  static String str(Object value) {
    return value instanceof CharSequence text ? text.toString() : repr(value);
  }

  /** Python's {@code str.title}: a letter after a non-letter starts a word. */
  static String title(String text) {
    StringBuilder out = new StringBuilder();
    boolean inWord = false;
    for (char c : text.toCharArray()) {
      out.append(inWord ? Character.toLowerCase(c) : Character.toUpperCase(c));
      inWord = Character.isLetter(c);
    }
    return out.toString();
  }

  /** {@code repr(value)}: {@code 'text'}, {@code [1, 'a', True]}, {@code {'a': 1}}. */
  static String repr(Object value) {
    return switch (value) {
      case null -> "None";
      case Boolean b -> b ? "True" : "False";
      case CharSequence text -> quote(text.toString());
      case Double d -> floatRepr(d);
      case Float f -> floatRepr(f.doubleValue());
      case BigDecimal d -> floatRepr(d.doubleValue());
      case Number n -> n.toString();
      case Map<?, ?> map -> {
        List<String> items = new ArrayList<>();
        map.forEach((k, v) -> items.add(repr(k) + ": " + repr(v)));
        yield "{" + String.join(", ", items) + "}";
      }
      case Map.Entry<?, ?> pair -> "(" + repr(pair.getKey()) + ", " + repr(pair.getValue()) + ")";
      case Tuple tuple -> "(" + String.join(", ", tuple.stream().map(Python::repr).toList()) + (tuple.size() == 1 ? ",)" : ")");
      case Collection<?> list -> "[" + String.join(", ", list.stream().map(Python::repr).toList()) + "]";
      default -> value.toString();
    };
  }

  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    double abs = Math.abs(d);
    if (abs != 0 && (abs >= 1e16 || abs < 1e-4)) {
      String s = Double.toString(d).replace("E", "e");
      int e = s.indexOf('e');
      String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
      int exponent = Integer.parseInt(s.substring(e + 1));
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
    // Java writes 1.0E-4 for 0.0001: strip the zeros its exponent form leaves in the plain text
    String plain = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /**
   * Python's string repr: the quote it picks, and escapes for what is not printable in Python's
   * sense (controls, format characters such as U+200B, separators other than the space, private
   * use and unassigned code points), {@code \\xNN}, {@code \\uNNNN} or {@code \\UNNNNNNNN}.
   */
  private static String quote(String s) {
    char q = s.contains("'") && !s.contains("\"") ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(q);
    s.codePoints().forEach(c -> {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == q) {
            out.append('\\').append((char) c);
          } else if (printable(c)) {
            out.appendCodePoint(c);
          } else {
            out.append(c < 0x100 ? String.format("\\x%02x", c) : c < 0x10000 ? String.format("\\u%04x", c)
                : String.format("\\U%08x", c));
          }
        }
      }
    });
    return out.append(q).toString();
  }

  /** Python's {@code str.isprintable} for one code point. */
  private static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /**
   * {@code json.dumps(value, indent=..., sort_keys=...)} with Python's defaults: ASCII only,
   * {@code ", "} and {@code ": "} without indent, {@code ","} and {@code ": "} with it.
   */
  static String json(Object value, int indent, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    json(out, value, indent, sortKeys, 0);
    return out.toString();
  }

  private static void json(StringBuilder out, Object value, int indent, boolean sortKeys, int depth) {
    switch (value) {
      case null -> out.append("null");
      case Boolean b -> out.append(b);
      case CharSequence text -> jsonString(out, text.toString());
      case Double d -> out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
      case Float f -> out.append(floatRepr(f.doubleValue()));
      case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
      case Number n -> out.append(n);
      case Map<?, ?> map -> {
        Map<?, ?> entries = sortKeys ? new TreeMap<>(map.entrySet().stream().collect(
            java.util.stream.Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue))) : map;
        if (entries.isEmpty()) {
          out.append("{}");
          return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
          out.append(first ? "" : indent > 0 ? "," : ", ");
          first = false;
          newline(out, indent, depth + 1);
          jsonString(out, str(e.getKey()));
          out.append(": ");
          json(out, e.getValue(), indent, sortKeys, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
      }
      case Collection<?> list -> {
        if (list.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
          out.append(first ? "" : indent > 0 ? "," : ", ");
          first = false;
          newline(out, indent, depth + 1);
          json(out, item, indent, sortKeys, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
      }
      default -> jsonString(out, value.toString());
    }
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent > 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void jsonString(StringBuilder out, String s) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
