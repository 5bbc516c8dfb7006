package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import io.fleetconf.agent.PythonOperators.PythonError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * More of Jinja2's filters (and Ansible's {@code split}, {@code unique}) where Jinjava's wrote
 * another text: {@code trim} ignoring its characters, {@code indent} indenting blank lines,
 * {@code title} as Python's {@code str.title} (Jinja2 starts words only after spaces, dashes and
 * brackets), {@code split} dropping empty parts and the count, {@code urlencode} quoting {@code /}
 * and spaces as {@code +}, {@code dictsort} ignoring {@code by} and {@code reverse}, {@code unique}
 * case-sensitive, {@code slice} cutting into pieces of that size, {@code groupby} and
 * {@code pprint} printing Java objects.
 */
final class JinjaMoreFilters {
  private JinjaMoreFilters() {}

  @FunctionalInterface
  private interface Body {
    Object apply(Object value, Object[] args, Map<String, Object> kwargs);
  }

  /** Jinja2's {@code _GroupTuple}: prints as a tuple; {@code grouper} and {@code list} are its items (StrictJinja's resolver). */
  static final class Group extends Python.Tuple {
    Group(Object grouper, List<Object> items) {
      super(java.util.Arrays.asList(grouper, items));
    }
  }

  static void register(Context context) {
    for (String name : List.of("default", "d")) {
      // Jinja2: only an undefined value, or with boolean=true a false one, takes the default; None stays None
      context.registerFilter(new AdvancedFilter() {
        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
          boolean onFalse = pythonTruthy(JinjaFilters.arg(args, kwargs, 1, "boolean", false));
          return value instanceof Undefined || onFalse && !pythonTruthy(value) ? JinjaFilters.arg(args, kwargs, 0, "default_value", "") : value;
        }

        @Override
        public String getName() {
          return name;
        }
      });
    }
    filter(context, "trim", (v, a, k) -> {
      Object chars = JinjaFilters.arg(a, k, 0, "chars", null);
      return chars == null ? Python.str(v).strip() : strip(Python.str(v), Python.str(chars));
    });
    filter(context, "indent", JinjaMoreFilters::indent);
    filter(context, "title", (v, a, k) -> {
      StringBuilder out = new StringBuilder();
      for (String part : Python.str(v).split("(?<=[-\\s({\\[<])(?![-\\s({\\[<])|(?<![-\\s({\\[<])(?=[-\\s({\\[<])")) {
        out.append(part.isEmpty() ? "" : part.substring(0, part.offsetByCodePoints(0, 1)).toUpperCase(java.util.Locale.ROOT)
            + part.substring(part.offsetByCodePoints(0, 1)).toLowerCase(java.util.Locale.ROOT));
      }
      return out.toString();
    });
    filter(context, "split", (v, a, k) -> split(Python.str(v), JinjaFilters.arg(a, k, 0, "sep", null), JinjaFilters.arg(a, k, 1, "maxsplit", -1L)));
    filter(context, "urlencode", (v, a, k) -> {
      if (v instanceof Map<?, ?> map) {
        List<String> pairs = new ArrayList<>();
        map.forEach((key, value) -> pairs.add(quote(Python.str(key), "").replace("%20", "+") + "="
            + quote(Python.str(value), "").replace("%20", "+")));
        return String.join("&", pairs);
      }
      return quote(Python.str(v), "/");
    });
    filter(context, "dictsort", (v, a, k) -> {
      boolean caseSensitive = truthy(JinjaFilters.arg(a, k, 0, "case_sensitive", false));
      int by = switch (Python.str(JinjaFilters.arg(a, k, 1, "by", "key"))) {
        case "key" -> 0;
        case "value" -> 1;
        default -> throw new PythonError("You can only sort by either \"key\" or \"value\"");
      };
      List<Object> pairs = new ArrayList<>();
      ((Map<?, ?>) v).forEach((key, value) -> pairs.add(new Python.Tuple(java.util.Arrays.asList(key, value))));
      Comparator<Object> order = JinjaFilters.comparator(pair -> fold(((List<?>) pair).get(by), caseSensitive));
      pairs.sort(truthy(JinjaFilters.arg(a, k, 2, "reverse", false)) ? order.reversed() : order);
      return pairs;
    });
    filter(context, "unique", (v, a, k) -> {
      Object attribute = JinjaFilters.arg(a, k, 1, "attribute", null);
      boolean caseSensitive = truthy(JinjaFilters.arg(a, k, 0, "case_sensitive", false));
      List<Object> seen = new ArrayList<>();
      List<Object> unique = new ArrayList<>();
      for (Object item : JinjaFilters.items(v)) {
        Object key = fold(attribute == null ? item : JinjaFilters.attribute(item, attribute), caseSensitive);
        if (seen.stream().noneMatch(s -> PythonComparison.equal(s, key))) {
          seen.add(key);
          unique.add(item);
        }
      }
      return unique;
    });
    filter(context, "slice", JinjaMoreFilters::slice);
    filter(context, "groupby", JinjaMoreFilters::groupby);
    filter(context, "pprint", (v, a, k) -> {
      String text = Python.repr(sortedDicts(v));
      if (text.length() > 80) {
        throw new PythonError("pprint of a value longer than 80 characters (Python wraps it over lines) is not supported"
            + " by fleetconf's agent: use to_nice_json or to_nice_yaml");
      }
      return text;
    });
  }

  /** Jinja2's {@code groupby(attribute, default=None, case_sensitive=False)}: sorted by the key, the first item's key shown. */
  private static Object groupby(Object value, Object[] args, Map<String, Object> kwargs) {
    Object attribute = JinjaFilters.arg(args, kwargs, 0, "attribute", null);
    Object fallback = JinjaFilters.arg(args, kwargs, 1, "default", null);
    boolean caseSensitive = truthy(JinjaFilters.arg(args, kwargs, 2, "case_sensitive", false));
    Function<Object, Object> grouper = item -> {
      try {
        return JinjaFilters.attribute(item, attribute);
      } catch (PythonError missing) {
        if (fallback == null) {
          throw missing;
        }
        return fallback;
      }
    };
    List<Object> items = JinjaFilters.items(value);
    items.sort(JinjaFilters.comparator(item -> fold(grouper.apply(item), caseSensitive)));
    List<Object> groups = new ArrayList<>();
    List<Object> current = null;
    Object currentKey = null;
    for (Object item : items) {
      Object key = fold(grouper.apply(item), caseSensitive);
      if (current == null || !PythonComparison.equal(key, currentKey)) {
        current = new ArrayList<>();
        currentKey = key;
        groups.add(new Group(grouper.apply(item), current));
      }
      current.add(item);
    }
    return groups;
  }

  /** Jinja2's {@code slice(slices, fill_with=None)}: that many columns, the first ones one longer. */
  private static Object slice(Object value, Object[] args, Map<String, Object> kwargs) {
    List<Object> seq = JinjaFilters.items(value);
    int slices = ((Number) JinjaFilters.arg(args, kwargs, 0, "slices", 1L)).intValue();
    Object fill = JinjaFilters.arg(args, kwargs, 1, "fill_with", null);
    int perSlice = seq.size() / slices;
    int withExtra = seq.size() % slices;
    int offset = 0;
    List<Object> out = new ArrayList<>();
    for (int n = 0; n < slices; n++) {
      int start = offset + n * perSlice;
      if (n < withExtra) {
        offset++;
      }
      List<Object> part = new ArrayList<>(seq.subList(start, offset + (n + 1) * perSlice));
      if (fill != null && n >= withExtra) {
        part.add(fill);
      }
      out.add(part);
    }
    return out;
  }

  /** Jinja2's {@code indent(width=4, first=False, blank=False)}: empty lines stay empty unless told. */
  private static Object indent(Object value, Object[] args, Map<String, Object> kwargs) {
    Object width = JinjaFilters.arg(args, kwargs, 0, "width", 4L);
    String pad = width instanceof CharSequence text ? text.toString() : " ".repeat(((Number) width).intValue());
    boolean blank = truthy(JinjaFilters.arg(args, kwargs, 2, "blank", false));
    // Jinja2 appends a newline, then takes Python's splitlines() (which drops the last, empty one)
    List<String> lines = new ArrayList<>(List.of((Python.str(value) + "\n")
        .split("\r\n|[\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029]", -1)));
    lines.removeLast();
    StringBuilder out = new StringBuilder(lines.isEmpty() ? "" : lines.get(0));
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      out.append('\n').append(blank || !line.isEmpty() ? pad + line : line);
    }
    return truthy(JinjaFilters.arg(args, kwargs, 1, "first", false)) ? pad + out : out.toString();
  }

  /** Python's {@code str.split(sep, maxsplit)}: runs of whitespace without {@code sep}, every part with it. */
  private static List<Object> split(String text, Object sep, Object maxsplit) {
    int max = ((Number) maxsplit).intValue();
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      String rest = text.stripLeading();
      while (!rest.isEmpty()) {
        if (max >= 0 && parts.size() == max) {
          parts.add(rest);
          break;
        }
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
          end++;
        }
        parts.add(rest.substring(0, end));
        rest = rest.substring(end).stripLeading();
      }
      return parts;
    }
    String separator = Python.str(sep);
    if (separator.isEmpty()) {
      throw new PythonError("empty separator");
    }
    int from = 0;
    for (int at = text.indexOf(separator); at >= 0 && (max < 0 || parts.size() < max); at = text.indexOf(separator, from)) {
      parts.add(text.substring(from, at));
      from = at + separator.length();
    }
    parts.add(text.substring(from));
    return parts;
  }

  /** Python's {@code urllib.parse.quote(text, safe)} of the UTF-8 bytes. */
  private static String quote(String text, String safe) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_.-~".indexOf(c) >= 0
          || safe.indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append(String.format("%%%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String strip(String text, String chars) {
    int start = 0;
    int end = text.length();
    while (start < end && chars.indexOf(text.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(text.charAt(end - 1)) >= 0) {
      end--;
    }
    return text.substring(start, end);
  }

  /** pprint sorts a dict's keys (text keys only here). */
  private static Object sortedDicts(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (!map.keySet().stream().allMatch(k -> k instanceof String)) {
        throw new PythonError("pprint of a dict with keys other than text is not supported by fleetconf's agent");
      }
      Map<Object, Object> sorted = new java.util.LinkedHashMap<>();
      map.keySet().stream().map(String.class::cast).sorted(Comparator.comparing((String k) -> k.codePoints().boxed().toList(),
          (x, y) -> java.util.Arrays.compare(x.stream().mapToInt(Integer::intValue).toArray(), y.stream().mapToInt(Integer::intValue).toArray())))
          .forEach(k -> sorted.put(k, sortedDicts(map.get(k))));
      return sorted;
    }
    return value instanceof List<?> list && !(value instanceof Python.Tuple)
        ? new ArrayList<>(list.stream().map(JinjaMoreFilters::sortedDicts).toList()) : value;
  }

  /** Python's truth of a value: empty text, containers and zero are false. */
  private static boolean pythonTruthy(Object value) {
    return switch (value) {
      case null -> false;
      case Boolean b -> b;
      case Number n -> n.doubleValue() != 0;
      case CharSequence text -> !text.isEmpty();
      case java.util.Collection<?> items -> !items.isEmpty();
      case Map<?, ?> map -> !map.isEmpty();
      default -> true;
    };
  }

  private static Object fold(Object value, boolean caseSensitive) {
    return !caseSensitive && value instanceof CharSequence s ? s.toString().toLowerCase(java.util.Locale.ROOT) : value;
  }

  private static boolean truthy(Object value) {
    return value instanceof Boolean b ? b : value != null && !(value instanceof Number n && n.doubleValue() == 0);
  }

  private static void filter(Context context, String name, Body body) {
    context.registerFilter(new AdvancedFilter() {
      @Override
      public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        if (value instanceof Undefined undefined) {
          throw new Undefined.UndefinedException(undefined);
        }
        return body.apply(value, args, kwargs);
      }

      @Override
      public String getName() {
        return name;
      }
    });
  }
}
