package io.fleetconf.agent;

import io.fleetconf.agent.PythonOperators.PythonError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's arithmetic on template values: ints without overflow (a bool is one), floats as doubles,
 * and the TypeError or ZeroDivisionError Python raises where Jinjava would coerce or print
 * {@code inf}.
 */
final class PythonArithmetic {
  private PythonArithmetic() {}

  static Object add(Object a, Object b) {
    if (a instanceof CharSequence x) {
      if (!(b instanceof CharSequence y)) {
        throw new PythonError("can only concatenate str (not \"" + type(b) + "\") to str");
      }
      return x.toString() + y;
    }
    if (isList(a)) {
      if (!isList(b) || (a instanceof Python.Tuple) != (b instanceof Python.Tuple)) {
        throw new PythonError("can only concatenate " + type(a) + " (not \"" + type(b) + "\") to " + type(a));
      }
      List<Object> out = new ArrayList<>((Collection<?>) a);
      out.addAll((Collection<?>) b);
      return a instanceof Python.Tuple ? new Python.Tuple(out) : out;
    }
    if (isInt(a) && isInt(b)) {
      return small(integer(a).add(integer(b)));
    }
    return number(a, a, b, "+") + number(b, a, b, "+");
  }

  static Object subtract(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      return small(integer(a).subtract(integer(b)));
    }
    return number(a, a, b, "-") - number(b, a, b, "-");
  }

  static Object negate(Object a) {
    if (isInt(a)) {
      return small(integer(a).negate());
    }
    if (!isNumber(a)) {
      throw new PythonError("bad operand type for unary -: '" + type(a) + "'");
    }
    return -((Number) a).doubleValue();
  }

  static Object multiply(Object a, Object b) {
    if (isSequence(a) || isSequence(b)) {
      Object sequence = isSequence(a) ? a : b;
      Object times = sequence == a ? b : a;
      if (!isInt(times)) {
        throw new PythonError("can't multiply sequence by non-int of type '" + type(times) + "'");
      }
      int n = Math.max(0, integer(times).intValueExact());
      if (sequence instanceof CharSequence text) {
        return text.toString().repeat(n);
      }
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.addAll((Collection<?>) sequence);
      }
      return sequence instanceof Python.Tuple ? new Python.Tuple(out) : out;
    }
    if (isInt(a) && isInt(b)) {
      return small(integer(a).multiply(integer(b)));
    }
    return number(a, a, b, "*") * number(b, a, b, "*");
  }

  /** {@code /}: always a float, as Python 3. */
  static Object divide(Object a, Object b) {
    double x = number(a, a, b, "/");
    double y = number(b, a, b, "/");
    if (y == 0) {
      throw new PythonError(isInt(a) && isInt(b) ? "division by zero" : "float division by zero");
    }
    return x / y;
  }

  static Object floorDiv(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      return small(floorQuotient(integer(a), integer(b), "integer division or modulo by zero"));
    }
    double x = number(a, a, b, "//");
    double y = number(b, a, b, "//");
    if (y == 0) {
      throw new PythonError("float floor division by zero");
    }
    // CPython's float_floor_div: exact where floor(x / y) rounds wrongly
    double mod = x % y;
    double div = (x - mod) / y;
    if (mod != 0 && (y < 0) != (mod < 0)) {
      div -= 1;
    }
    if (div == 0) {
      return Math.copySign(0.0, x / y);
    }
    double floor = Math.floor(div);
    return div - floor > 0.5 ? floor + 1 : floor;
  }

  static Object remainder(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      BigInteger x = integer(a);
      BigInteger y = integer(b);
      return small(x.subtract(floorQuotient(x, y, "integer modulo by zero").multiply(y)));
    }
    double x = number(a, a, b, "%");
    double y = number(b, a, b, "%");
    if (y == 0) {
      throw new PythonError("float modulo");
    }
    double mod = x % y;
    if (mod == 0) {
      return Math.copySign(0.0, y);
    }
    return (y < 0) != (mod < 0) ? mod + y : mod;
  }

  static Object power(Object a, Object b) {
    if (isInt(a) && isInt(b) && integer(b).signum() >= 0) {
      return small(integer(a).pow(integer(b).intValueExact()));
    }
    double x = number(a, a, b, "** or pow()");
    double y = number(b, a, b, "** or pow()");
    if (x == 0 && y < 0) {
      throw new PythonError("0.0 cannot be raised to a negative power");
    }
    if (x < 0 && y != Math.rint(y)) {
      // Python answers a complex number, which no config file holds
      throw new PythonError("a negative number raised to a fractional power is complex");
    }
    return Math.pow(x, y);
  }

  private static BigInteger floorQuotient(BigInteger x, BigInteger y, String byZero) {
    if (y.signum() == 0) {
      throw new PythonError(byZero);
    }
    BigInteger[] qr = x.divideAndRemainder(y);
    return qr[1].signum() != 0 && qr[1].signum() != y.signum() ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }

  /** A Long where it fits, as the rest of the agent expects, else the BigInteger. */
  private static Object small(BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private static boolean isSequence(Object value) {
    return value instanceof CharSequence || isList(value);
  }

  private static boolean isList(Object value) {
    return value instanceof Collection<?> && !(value instanceof java.util.Set<?>);
  }

  /** Python's int; a bool is one. */
  static boolean isInt(Object value) {
    return value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger;
  }

  static boolean isNumber(Object value) {
    return isInt(value) || value instanceof Double || value instanceof Float || value instanceof BigDecimal;
  }

  static BigInteger integer(Object value) {
    return value instanceof Boolean b ? (b ? BigInteger.ONE : BigInteger.ZERO)
        : value instanceof BigInteger big ? big : BigInteger.valueOf(((Number) value).longValue());
  }

  /** The operand {@code value} of {@code left symbol right} as a float, or the TypeError Python raises. */
  private static double number(Object value, Object left, Object right, String symbol) {
    if (!isNumber(value)) {
      throw new PythonError("unsupported operand type(s) for " + symbol + ": '" + type(left) + "' and '" + type(right) + "'");
    }
    return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
  }

  /** Python's name of the value's type, for error messages. */
  static String type(Object value) {
    return switch (value) {
      case null -> "NoneType";
      case Boolean b -> "bool";
      case CharSequence s -> "str";
      case Double d -> "float";
      case Float f -> "float";
      case BigDecimal d -> "float";
      case Number n -> "int";
      case Python.Tuple t -> "tuple";
      case Collection<?> c -> "list";
      case Map<?, ?> m -> "dict";
      default -> value.getClass().getSimpleName();
    };
  }
}
