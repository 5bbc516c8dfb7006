package io.fleetconf.agent;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.InterpretException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.ELContext;

/**
 * Python's string methods ({@code .upper()}, {@code .split(',')}, {@code .format(...)}) and its
 * {@code %} formatting, which Jinja2 templates use and Jinjava lacks (it looks for Java methods,
 * and reads {@code %} as a number's remainder).
 */
final class PythonStrings extends ReadOnlyResolver {
  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (!(base instanceof String s) || method == null) {
      return null;
    }
    List<Object> args = new ArrayList<>();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (Object p : params == null ? new Object[0] : params) {
      if (p instanceof NamedParameter named) {
        kwargs.put(named.getName(), named.getValue());
      } else {
        args.add(p);
      }
    }
    Object result = call(s, method.toString(), args, kwargs);
    context.setPropertyResolved(true);
    return result;
  }

  private static Object call(String s, String method, List<Object> a, Map<String, Object> kw) {
    return switch (method) {
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "strip" -> strip(s, a, true, true);
      case "lstrip" -> strip(s, a, true, false);
      case "rstrip" -> strip(s, a, false, true);
      case "split" -> split(s, a);
      case "rsplit" -> rsplit(s, a);
      case "splitlines" -> new ArrayList<>(Arrays.asList(s.split("\r\n|\n|\r")));
      case "replace" -> s.replace(Python.str(a.get(0)), Python.str(a.get(1)));
      case "startswith" -> a.get(0) instanceof List<?> l ? l.stream().anyMatch(p -> s.startsWith(Python.str(p))) : s.startsWith(Python.str(a.get(0)));
      case "endswith" -> a.get(0) instanceof List<?> l ? l.stream().anyMatch(p -> s.endsWith(Python.str(p))) : s.endsWith(Python.str(a.get(0)));
      case "join" -> String.join(s, iterable(a.get(0)).stream().map(Python::str).toList());
      case "format" -> format(s, a, kw);
      case "title" -> Python.title(s);
      case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "find" -> (long) s.indexOf(Python.str(a.get(0)));
      case "count" -> (long) (s.isEmpty() ? 0 : s.split(Pattern.quote(Python.str(a.get(0))), -1).length - 1);
      case "zfill" -> zfill(s, ((Number) a.get(0)).intValue());
      case "center", "ljust", "rjust" -> pad(s, method, ((Number) a.get(0)).intValue(), a.size() > 1 ? Python.str(a.get(1)) : " ");
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
      case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
      case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
      default -> throw new InterpretException("'str' object has no attribute '" + method + "'");
    };
  }

  private static List<Object> iterable(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new ArrayList<>(map.keySet());
    }
    if (value instanceof Iterable<?> items) {
      List<Object> list = new ArrayList<>();
      items.forEach(list::add);
      return list;
    }
    throw new InterpretException("can only join an iterable, got " + Python.repr(value));
  }

  private static String strip(String s, List<Object> a, boolean left, boolean right) {
    String chars = a.isEmpty() || a.get(0) == null ? null : Python.str(a.get(0));
    int start = 0;
    int end = s.length();
    while (left && start < end && (chars == null ? Character.isWhitespace(s.charAt(start)) : chars.indexOf(s.charAt(start)) >= 0)) {
      start++;
    }
    while (right && end > start && (chars == null ? Character.isWhitespace(s.charAt(end - 1)) : chars.indexOf(s.charAt(end - 1)) >= 0)) {
      end--;
    }
    return s.substring(start, end);
  }

  private static List<Object> split(String s, List<Object> a) {
    int max = a.size() > 1 ? ((Number) a.get(1)).intValue() : -1;
    if (a.isEmpty() || a.get(0) == null) {
      String stripped = s.strip();
      return stripped.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(stripped.split("\\s+", max < 0 ? 0 : max + 1)));
    }
    return new ArrayList<>(Arrays.asList(s.split(Pattern.quote(Python.str(a.get(0))), max < 0 ? -1 : max + 1)));
  }

  private static List<Object> rsplit(String s, List<Object> a) {
    int max = a.size() > 1 ? ((Number) a.get(1)).intValue() : -1;
    if (a.isEmpty() || a.get(0) == null || max < 0) {
      return split(s, a);
    }
    String sep = Python.str(a.get(0));
    List<Object> parts = new ArrayList<>();
    String rest = s;
    for (int i = 0; i < max && rest.lastIndexOf(sep) >= 0; i++) {
      int at = rest.lastIndexOf(sep);
      parts.add(0, rest.substring(at + sep.length()));
      rest = rest.substring(0, at);
    }
    parts.add(0, rest);
    return parts;
  }

  private static String zfill(String s, int width) {
    boolean sign = s.startsWith("-") || s.startsWith("+");
    String digits = sign ? s.substring(1) : s;
    return (sign ? s.substring(0, 1) : "") + "0".repeat(Math.max(0, width - s.length())) + digits;
  }

  private static String pad(String s, String how, int width, String fill) {
    int missing = Math.max(0, width - s.length());
    return switch (how) {
      case "ljust" -> s + fill.repeat(missing);
      case "rjust" -> fill.repeat(missing) + s;
      default -> {
        // Python's center puts the odd extra fill on the left when the width is odd
        int left = missing / 2 + (missing % 2 & width % 2);
        yield fill.repeat(left) + s + fill.repeat(missing - left);
      }
    };
  }

  private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([^{}:!]*)(?::([^{}]*))?}");

  /** {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, with a format spec after {@code :}. */
  private static String format(String s, List<Object> a, Map<String, Object> kw) {
    StringBuilder out = new StringBuilder();
    Iterator<Object> next = a.iterator();
    Matcher m = FIELD.matcher(s);
    while (m.find()) {
      String text = switch (m.group()) {
        case "{{" -> "{";
        case "}}" -> "}";
        default -> {
          String field = m.group(1);
          Object value = field.isEmpty() ? next.next() : field.matches("\\d+") ? a.get(Integer.parseInt(field)) : kw.get(field);
          yield m.group(2) == null ? Python.str(value) : spec(value, m.group(2));
        }
      };
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    return m.appendTail(out).toString();
  }

  private static final Pattern SPEC = Pattern.compile("(?:(.)?([<>^=]))?([-+ ])?(0)?(\\d+)?(,)?(?:\\.(\\d+))?([sdfeExXobg%])?");

  /** A format spec of {@code str.format} ({@code >10}, {@code 05d}, {@code .2f}, {@code ,}). */
  private static String spec(Object value, String spec) {
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw new InterpretException("Invalid format specifier '" + spec + "'");
    }
    boolean isFloat = value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal;
    char type = m.group(8) == null ? (value instanceof Number && !isFloat ? 'd' : isFloat ? 'g' : 's') : m.group(8).charAt(0);
    // no type: a float prints as str() does, not as 'g'
    String body = type == 's' || m.group(8) == null && isFloat && m.group(7) == null ? Python.str(value)
        : number((m.group(3) == null ? "" : m.group(3)) + (m.group(6) == null ? "" : ",")
            + (m.group(7) == null ? "" : "." + m.group(7)) + type, value);
    int width = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
    char align = m.group(2) != null ? m.group(2).charAt(0) : m.group(4) != null ? '=' : type == 's' ? '<' : '>';
    String fill = m.group(1) != null ? m.group(1) : m.group(4) != null ? "0" : " ";
    int missing = Math.max(0, width - body.length());
    return switch (align) {
      case '<' -> body + fill.repeat(missing);
      case '^' -> fill.repeat(missing / 2) + body + fill.repeat(missing - missing / 2);
      case '=' -> body.startsWith("-") || body.startsWith("+") ? body.charAt(0) + fill.repeat(missing) + body.substring(1)
          : fill.repeat(missing) + body;
      default -> fill.repeat(missing) + body;
    };
  }

  private static String number(String spec, Object value) {
    char type = spec.charAt(spec.length() - 1);
    if (!(value instanceof Number n)) {
      throw new InterpretException("Unknown format code '" + type + "' for object of type 'str'");
    }
    return switch (type) {
      case 'd' -> String.format(Locale.ROOT, "%" + spec.replace(".", "").replaceAll("\\d", ""), n.longValue());
      case 'x', 'X', 'o' -> String.format(Locale.ROOT, "%" + spec, n.longValue());
      case '%' -> PythonFloat.spec(spec.substring(0, spec.length() - 1) + "f", n.doubleValue() * 100) + "%";
      default -> PythonFloat.spec(spec, n.doubleValue());
    };
  }



  private static final Pattern PERCENT = Pattern.compile("%(?:\\(([^)]*)\\))?([-+ 0#]*)(\\*|\\d+)?(?:\\.(\\d+))?([sridfFeExXocgG%])");

  /** {@code format % values}: a tuple's items in turn, or a dict's by {@code %(name)s}, or the one value. */
  static String percent(String format, Object values, boolean tuple) {
    List<Object> items = tuple ? iterable(values) : List.of();
    Iterator<Object> next = items.iterator();
    StringBuilder out = new StringBuilder();
    Matcher m = PERCENT.matcher(format);
    boolean usedOne = false;
    while (m.find()) {
      if (m.group(5).equals("%")) {
        m.appendReplacement(out, "%");
        continue;
      }
      Object value;
      if (m.group(1) != null) {
        if (!(values instanceof Map<?, ?> map) || !map.containsKey(m.group(1))) {
          throw new InterpretException("format requires a mapping with key '" + m.group(1) + "'");
        }
        value = map.get(m.group(1));
      } else if (tuple) {
        if (!next.hasNext()) {
          throw new InterpretException("not enough arguments for format string");
        }
        value = next.next();
      } else {
        value = values;
        usedOne = true;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(conversion(m, value)));
    }
    if (tuple && next.hasNext()) {
      throw new InterpretException("not all arguments converted during string formatting");
    }
    return m.appendTail(out).toString();
  }

  private static String conversion(Matcher m, Object value) {
    String flags = m.group(2).replace("#", "");
    String width = m.group(3) == null ? "" : m.group(3);
    char type = m.group(5).charAt(0);
    String text = switch (type) {
      case 's' -> Python.str(value);
      case 'r' -> Python.repr(value);
      case 'c' -> value instanceof Number n ? Character.toString(n.intValue()) : Python.str(value);
      default -> {
        if (!(value instanceof Number n)) {
          throw new InterpretException("%" + type + " format: a number is required, not " + Python.repr(value));
        }
        String precision = m.group(4) == null ? "" : "." + m.group(4);
        yield switch (type) {
          case 'd', 'i' -> String.format(Locale.ROOT, "%" + flags + width + "d", n.longValue());
          case 'x', 'X', 'o' -> String.format(Locale.ROOT, "%" + flags + width + type, n.longValue());
          default -> PythonFloat.pad(PythonFloat.format(n.doubleValue(), type, m.group(4) == null ? 6 : Integer.parseInt(m.group(4)),
              m.group(2).contains("#")), flags, width.isEmpty() ? 0 : Integer.parseInt(width));
        };
      }
    };
    if (type == 's' || type == 'r' || type == 'c') {
      int w = width.isEmpty() ? 0 : Integer.parseInt(width);
      String cut = m.group(4) == null ? text : text.substring(0, Math.min(text.length(), Integer.parseInt(m.group(4))));
      String fill = " ".repeat(Math.max(0, w - cut.length()));
      return flags.contains("-") ? cut + fill : fill + cut;
    }
    return text;
  }



  /**
   * Rewrites {@code 'fmt' % operand} in a template's code (string literals already in Jinjava's
   * single-quoted form) into the filters {@code __percent} (a tuple's items) and {@code __percent_one}:
   * the operand is a parenthesised tuple, a bracketed or braced literal, or a name with its
   * attributes, subscripts, calls and filters, as Jinja2's precedence groups it.
   */
  static String percentOperators(String code) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < code.length()) {
      if (code.charAt(i) != '\'') {
        out.append(code.charAt(i++));
        continue;
      }
      int end = literalEnd(code, i);
      int op = skipSpaces(code, end);
      if (op + 1 >= code.length() || code.charAt(op) != '%' || code.charAt(op + 1) == '}') {
        out.append(code, i, end);
        i = end;
        continue;
      }
      int start = skipSpaces(code, op + 1);
      int stop = operandEnd(code, start);
      String literal = code.substring(i, end);
      String operand = code.substring(start, stop);
      if (operand.startsWith("(") && operand.endsWith(")") && operandEnd(operand, 0) == operand.length()
          && (topLevelComma(operand) || operand.substring(1, operand.length() - 1).isBlank())) {
        String items = operand.substring(1, operand.length() - 1).strip().replaceAll(",$", "");
        out.append("(").append(literal).append(" | __percent(").append(items).append("))");
      } else {
        out.append("(").append(literal).append(" | __percent_one(").append(operand).append("))");
      }
      i = stop;
    }
    return out.toString();
  }

  private static int literalEnd(String code, int quote) {
    int i = quote + 1;
    while (i < code.length() && code.charAt(i) != '\'') {
      i += code.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, code.length());
  }

  private static int skipSpaces(String code, int i) {
    while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The end of a balanced group starting at {@code open}. */
  private static int groupEnd(String code, int open) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\'') {
        i = literalEnd(code, i) - 1;
      } else if ("([{".indexOf(c) >= 0) {
        depth++;
      } else if (")]}".indexOf(c) >= 0 && --depth == 0) {
        return i + 1;
      }
    }
    return code.length();
  }

  private static int operandEnd(String code, int start) {
    int i = start;
    if (i < code.length() && "([{".indexOf(code.charAt(i)) >= 0) {
      i = groupEnd(code, i);
    } else if (i < code.length() && code.charAt(i) == '\'') {
      i = literalEnd(code, i);
    } else {
      while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || "_.".indexOf(code.charAt(i)) >= 0
          || (code.charAt(i) == '[' || code.charAt(i) == '(') && i > start)) {
        i = code.charAt(i) == '[' || code.charAt(i) == '(' ? groupEnd(code, i) : i + 1;
      }
    }
    // a filter binds tighter than %: 'x=%s' % name | upper formats the upper-cased name
    for (int bar = skipSpaces(code, i); bar + 1 < code.length() && code.charAt(bar) == '|' && code.charAt(bar + 1) != '|'; ) {
      int name = skipSpaces(code, bar + 1);
      int after = name;
      while (after < code.length() && (Character.isLetterOrDigit(code.charAt(after)) || code.charAt(after) == '_')) {
        after++;
      }
      if (after == name) {
        break;
      }
      i = after < code.length() && code.charAt(after) == '(' ? groupEnd(code, after) : after;
      bar = skipSpaces(code, i);
    }
    return i;
  }

  private static boolean topLevelComma(String group) {
    int depth = 0;
    for (int i = 1; i < group.length() - 1; i++) {
      char c = group.charAt(i);
      if (c == '\'') {
        i = literalEnd(group, i) - 1;
      } else if ("([{".indexOf(c) >= 0) {
        depth++;
      } else if (")]}".indexOf(c) >= 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }
}
