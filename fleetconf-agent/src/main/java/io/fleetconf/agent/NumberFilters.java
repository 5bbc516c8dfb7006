package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import io.fleetconf.agent.PythonOperators.PythonError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Jinja2's {@code float}, {@code round} and {@code sum}, which Jinjava has with other results and no
 * error: {@code '3.10' | float} read as a Java float (3.0999999046325684), {@code 2.5 | round}
 * rounded half-up (Python: 2.0), {@code sum} always a float and its {@code start} ignored.
 */
final class NumberFilters {
  private NumberFilters() {}

  static void register(Context context) {
    register(context, "float", (v, a) -> toFloat(v, a.args().length > 0 ? a.args()[0] : a.kwargs().getOrDefault("default", 0.0)));
    register(context, "round", (v, a) -> round(v, intArg(a, 0, "precision", 0), String.valueOf(arg(a, 1, "method", "common"))));
    register(context, "sum", (v, a) -> sum(v, arg(a, 0, "attribute", null), arg(a, 1, "start", 0L)));
  }

  private record Args(Object[] args, Map<String, Object> kwargs) {}

  private static Object arg(Args a, int index, String name, Object fallback) {
    return a.args().length > index ? a.args()[index] : a.kwargs().getOrDefault(name, fallback);
  }

  private static int intArg(Args a, int index, String name, int fallback) {
    Object value = arg(a, index, name, fallback);
    if (!PythonArithmetic.isInt(value)) {
      throw new PythonError("'" + PythonArithmetic.type(value) + "' object cannot be interpreted as an integer");
    }
    return PythonArithmetic.integer(value).intValueExact();
  }

  private static void register(Context context, String name, BiFunction<Object, Args, Object> body) {
    context.registerFilter(new AdvancedFilter() {
      @Override
      public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        if (value instanceof Undefined undefined) {
          throw new Undefined.UndefinedException(undefined);
        }
        return body.apply(value, new Args(args, kwargs));
      }

      @Override
      public String getName() {
        return name;
      }
    });
  }

  /** Python's {@code float(value)}, or the default where it raises. */
  private static Object toFloat(Object value, Object fallback) {
    if (PythonArithmetic.isNumber(value)) {
      return value instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) value).doubleValue();
    }
    if (value instanceof CharSequence text) {
      String s = text.toString().strip().replaceAll("(?<=\\d)_(?=\\d)", "");
      if (s.matches("[-+]?(?i:inf|infinity|nan)")) {
        return s.toLowerCase().contains("nan") ? Double.NaN : s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
        return Double.parseDouble(s);
      }
    }
    return fallback;
  }

  /** Jinja2's {@code round}: {@code common} is Python's round (half to even on the exact value), an int stays an int. */
  private static Object round(Object value, int precision, String method) {
    if (!PythonArithmetic.isNumber(value)) {
      throw new PythonError("type " + PythonArithmetic.type(value) + " doesn't define __round__ method");
    }
    RoundingMode mode = switch (method) {
      case "common" -> RoundingMode.HALF_EVEN;
      case "ceil" -> RoundingMode.CEILING;
      case "floor" -> RoundingMode.FLOOR;
      default -> throw new PythonError("method must be common, ceil or floor");
    };
    if (PythonArithmetic.isInt(value) && mode == RoundingMode.HALF_EVEN) {
      return new BigDecimal(PythonArithmetic.integer(value)).setScale(precision, mode).toBigInteger().longValueExact();
    }
    double d = ((Number) value).doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return d;
    }
    return new BigDecimal(d).setScale(precision, mode).doubleValue();
  }

  /** Python's {@code sum(items, start)}, of an attribute of each item when given. */
  private static Object sum(Object items, Object attribute, Object start) {
    if (!(items instanceof Iterable<?> values)) {
      throw new PythonError("'" + PythonArithmetic.type(items) + "' object is not iterable");
    }
    Object total = start;
    for (Object item : values) {
      Object value = item;
      if (attribute != null) {
        for (String part : String.valueOf(attribute).split("\\.")) {
          value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
      }
      total = PythonArithmetic.add(total, value);
    }
    return total;
  }
}
