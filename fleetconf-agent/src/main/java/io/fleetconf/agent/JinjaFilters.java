package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import io.fleetconf.agent.PythonOperators.PythonError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Jinja2's own filters (3.1, {@code jinja2/filters.py}) where Jinjava's write another text without
 * failing: {@code join} printing {@code true} and nothing for None, {@code sort} ignoring
 * {@code case_sensitive} and sorting case-sensitively by default, {@code first} of a string being the
 * string, {@code reverse} of a list printing a Java array, {@code list} of a dict being a list of
 * the dict, {@code truncate} without Jinja2's leeway, {@code batch} padding with None, {@code tojson}
 * unsorted and compact, {@code length} counting UTF-16 units. Also {@code max} and {@code min}, which
 * Jinjava lacks.
 */
final class JinjaFilters {
  private JinjaFilters() {}

  @FunctionalInterface
  private interface Body {
    Object apply(Object value, Object[] args, Map<String, Object> kwargs);
  }

  static void register(Context context) {
    filter(context, "join", (v, a, k) -> {
      Object attribute = arg(a, k, 1, "attribute", null);
      List<Object> items = items(v);
      String separator = Python.str(arg(a, k, 0, "d", ""));
      return String.join(separator, items.stream()
          .map(item -> Python.str(attribute == null ? item : attribute(item, attribute))).toList());
    });
    filter(context, "sort", (v, a, k) -> {
      List<Object> items = items(v);
      boolean reverse = truthy(arg(a, k, 0, "reverse", false));
      Comparator<Object> order = comparator(key(arg(a, k, 2, "attribute", null), truthy(arg(a, k, 1, "case_sensitive", false))));
      items.sort(reverse ? order.reversed() : order);
      return items;
    });
    filter(context, "max", (v, a, k) -> extreme(v, a, k, ">"));
    filter(context, "min", (v, a, k) -> extreme(v, a, k, "<"));
    filter(context, "first", (v, a, k) -> {
      List<Object> items = items(v);
      if (items.isEmpty()) {
        throw new PythonError("No first item, sequence was empty.");
      }
      return items.get(0);
    });
    filter(context, "last", (v, a, k) -> {
      List<Object> items = items(v);
      if (items.isEmpty()) {
        throw new PythonError("No last item, sequence was empty.");
      }
      return items.get(items.size() - 1);
    });
    filter(context, "reverse", (v, a, k) -> {
      List<Object> items = items(v);
      java.util.Collections.reverse(items);
      return v instanceof CharSequence ? String.join("", items.stream().map(String::valueOf).toList()) : items;
    });
    filter(context, "list", (v, a, k) -> items(v));
    filter(context, "length", (v, a, k) -> length(v));
    filter(context, "count", (v, a, k) -> length(v));
    filter(context, "truncate", JinjaFilters::truncate);
    filter(context, "batch", (v, a, k) -> {
      int size = ((Number) arg(a, k, 0, "linecount", 1L)).intValue();
      Object fill = arg(a, k, 1, "fill_with", null);
      List<Object> batches = new ArrayList<>();
      List<Object> items = items(v);
      for (int i = 0; i < items.size(); i += size) {
        List<Object> batch = new ArrayList<>(items.subList(i, Math.min(items.size(), i + size)));
        while (fill != null && batch.size() < size) {
          batch.add(fill);
        }
        batches.add(batch);
      }
      return batches;
    });
    // the forms PythonSyntax rewrites step slices and big integer literals to
    filter(context, "__slice", (v, a, k) -> new PythonSyntax.Slice(a[0], a[1], a[2]));
    filter(context, "__bigint", (v, a, k) -> new java.math.BigInteger(Python.str(v)));
    // Jinja2's policy json.dumps_kwargs is {"sort_keys": True}; <, >, & and ' are escaped for HTML
    filter(context, "tojson", (v, a, k) -> Python.json(v, ((Number) arg(a, k, 0, "indent", 0L)).intValue(), true)
        .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027"));
  }

  /** Python's {@code list(value)}: a dict's keys, a string's characters (code points), a list's items. */
  static List<Object> items(Object value) {
    return switch (value) {
      case Undefined undefined -> throw new Undefined.UndefinedException(undefined);
      case CharSequence text -> new ArrayList<>(text.toString().codePoints().mapToObj(Character::toString).toList());
      case Map<?, ?> map -> new ArrayList<>(map.keySet());
      case Collection<?> list -> new ArrayList<>(list);
      case Object[] array -> new ArrayList<>(List.of(array));
      case null, default -> throw new PythonError("'" + PythonArithmetic.type(value) + "' object is not iterable");
    };
  }

  /** Python's {@code len}: a string counts code points (an emoji is one). */
  static Object length(Object value) {
    return switch (value) {
      case CharSequence text -> (long) text.toString().codePointCount(0, text.length());
      case Map<?, ?> map -> (long) map.size();
      case Collection<?> list -> (long) list.size();
      case Undefined undefined -> throw new Undefined.UndefinedException(undefined);
      case null, default -> throw new PythonError("object of type '" + PythonArithmetic.type(value) + "' has no len()");
    };
  }

  /** Jinja2's {@code max}/{@code min}: the first extreme item, strings compared ignoring case unless told. */
  private static Object extreme(Object value, Object[] args, Map<String, Object> kwargs, String symbol) {
    Function<Object, Object> key = key(arg(args, kwargs, 1, "attribute", null),
        truthy(arg(args, kwargs, 0, "case_sensitive", false)));
    Object best = null;
    Object bestKey = null;
    boolean first = true;
    for (Object item : items(value)) {
      Object itemKey = key.apply(item);
      if (first || PythonComparison.ordered(itemKey, bestKey, symbol)) {
        best = item;
        bestKey = itemKey;
        first = false;
      }
    }
    if (first) {
      throw new PythonError("No aggregated item, sequence was empty.");
    }
    return best;
  }

  /** The sort key: the attribute (dotted, or several separated by commas), lower-cased strings unless case-sensitive. */
  private static Function<Object, Object> key(Object attribute, boolean caseSensitive) {
    Function<Object, Object> fold = value -> !caseSensitive && value instanceof CharSequence s
        ? s.toString().toLowerCase(java.util.Locale.ROOT) : value;
    if (attribute == null) {
      return fold;
    }
    List<String> names = List.of(Python.str(attribute).split(","));
    if (names.size() == 1) {
      return item -> fold.apply(attribute(item, names.get(0)));
    }
    return item -> new ArrayList<>(names.stream().map(name -> fold.apply(attribute(item, name.strip()))).toList());
  }

  /** Python's order of the items' keys (a TypeError where Python cannot compare them). */
  static Comparator<Object> comparator(Function<Object, Object> key) {
    return (x, y) -> {
      Object kx = key.apply(x);
      Object ky = key.apply(y);
      return PythonComparison.ordered(kx, ky, "<") ? -1 : PythonComparison.ordered(ky, kx, "<") ? 1 : 0;
    };
  }

  /** Jinja2's attribute getter: {@code a.b.0} looks up each part, a whole number as an index. */
  static Object attribute(Object item, Object attribute) {
    Object value = item;
    for (String part : Python.str(attribute).split("\\.")) {
      if (value instanceof Map<?, ?> map && map.containsKey(part)) {
        value = map.get(part);
      } else if (value instanceof List<?> list && part.matches("-?\\d+") && Math.abs(Integer.parseInt(part)) < list.size() + (part.startsWith("-") ? 1 : 0)) {
        int index = Integer.parseInt(part);
        value = list.get(index < 0 ? list.size() + index : index);
      } else {
        throw new PythonError(Python.repr(value) + " has no attribute '" + part + "'");
      }
    }
    return value;
  }

  /** Jinja2's {@code truncate(s, length=255, killwords=False, end='...', leeway=5)}. */
  private static Object truncate(Object value, Object[] args, Map<String, Object> kwargs) {
    String text = Python.str(value);
    int length = ((Number) arg(args, kwargs, 0, "length", 255L)).intValue();
    boolean killwords = truthy(arg(args, kwargs, 1, "killwords", false));
    String end = Python.str(arg(args, kwargs, 2, "end", "..."));
    int leeway = ((Number) arg(args, kwargs, 3, "leeway", 5L)).intValue();
    List<Object> chars = items(text);
    if (length < end.codePointCount(0, end.length())) {
      throw new PythonError("expected length >= " + end.codePointCount(0, end.length()) + ", got " + length);
    }
    if (chars.size() <= length + leeway) {
      return text;
    }
    String head = String.join("", chars.subList(0, length - end.codePointCount(0, end.length())).stream().map(String::valueOf).toList());
    if (killwords) {
      return head + end;
    }
    int space = head.lastIndexOf(' ');
    return (space < 0 ? head : head.substring(0, space)) + end;
  }

  /** A filter's argument by position, else by name, else the fallback. */
  static Object arg(Object[] args, Map<String, Object> kwargs, int index, String name, Object fallback) {
    return args.length > index ? args[index] : kwargs.getOrDefault(name, fallback);
  }

  private static boolean truthy(Object value) {
    return value instanceof Boolean b ? b : value != null && !(value instanceof Number n && n.doubleValue() == 0)
        && !(value instanceof CharSequence s && s.isEmpty());
  }

  private static void filter(Context context, String name, Body body) {
    context.registerFilter(new AdvancedFilter() {
      @Override
      public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        return body.apply(value, args, kwargs);
      }

      @Override
      public String getName() {
        return name;
      }
    });
  }
}
