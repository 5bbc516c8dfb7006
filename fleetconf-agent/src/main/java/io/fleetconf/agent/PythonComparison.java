package io.fleetconf.agent;

import static io.fleetconf.agent.PythonArithmetic.isInt;
import static io.fleetconf.agent.PythonArithmetic.isNumber;
import static io.fleetconf.agent.PythonArithmetic.type;

import io.fleetconf.agent.PythonOperators.PythonError;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's {@code ==} and ordering: {@code '1' == 1} is false (Jinjava coerced it to true), numbers
 * compare by value whatever their type, and ordering a string with a number fails as Python's
 * TypeError instead of answering.
 */
final class PythonComparison {
  private PythonComparison() {}

  static boolean equal(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b) == 0;
    }
    if (a instanceof CharSequence x && b instanceof CharSequence y) {
      return x.toString().equals(y.toString());
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size() || (a instanceof Python.Tuple) != (b instanceof Python.Tuple)) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      return x.size() == y.size() && x.entrySet().stream()
          .allMatch(e -> y.containsKey(e.getKey()) && equal(e.getValue(), y.get(e.getKey())));
    }
    return Objects.equals(a, b);
  }

  /** {@code a in b}: a substring, an item of a list, a key of a dict. */
  static boolean contains(Object a, Object b) {
    if (b instanceof CharSequence text) {
      if (!(a instanceof CharSequence part)) {
        throw new PythonError("'in <string>' requires string as left operand, not " + type(a));
      }
      return text.toString().contains(part);
    }
    if (b instanceof Map<?, ?> map) {
      // a text key is found by lookup (which groups allows; it refuses its key list)
      return a instanceof String key ? map.containsKey(key) : map.keySet().stream().anyMatch(k -> equal(a, k));
    }
    if (b instanceof Iterable<?> items) {
      for (Object item : items) {
        if (equal(a, item)) {
          return true;
        }
      }
      return false;
    }
    throw new PythonError("argument of type '" + type(b) + "' is not iterable");
  }

  /** {@code a symbol b} for {@code <}, {@code <=}, {@code >}, {@code >=}. */
  static boolean ordered(Object a, Object b, String symbol) {
    int c = compare(a, b, symbol);
    return switch (symbol) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  private static int compare(Object a, Object b, String symbol) {
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b);
    }
    if (a instanceof CharSequence x && b instanceof CharSequence y) {
      return codePoints(x.toString(), y.toString());
    }
    if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof Python.Tuple) == (b instanceof Python.Tuple)) {
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext() && j.hasNext()) {
        Object p = i.next();
        Object q = j.next();
        if (!equal(p, q)) {
          return compare(p, q, symbol);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw new PythonError("'" + symbol + "' not supported between instances of '" + type(a) + "' and '" + type(b) + "'");
  }

  /** Exact, as Python compares an int with a float. */
  private static int compareNumbers(Object a, Object b) {
    return exact(a).compareTo(exact(b));
  }

  private static BigDecimal exact(Object n) {
    if (isInt(n)) {
      return new BigDecimal(PythonArithmetic.integer(n));
    }
    double d = ((Number) n).doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      // no config value holds these; comparing them would need Python's NaN rules
      throw new PythonError("comparing " + Python.repr(d) + " is not supported by fleetconf's agent");
    }
    return new BigDecimal(d);
  }

  private static int codePoints(String x, String y) {
    int[] p = x.codePoints().toArray();
    int[] q = y.codePoints().toArray();
    return java.util.Arrays.compare(p, q);
  }
}
