package io.fleetconf.agent;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.AstTuple;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import com.hubspot.jinjava.el.ext.TruncDivOperator;
import io.fleetconf.agent.Undefined.UndefinedException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinja2's {@code //}, {@code %}, {@code *} and {@code ~} with Python's semantics, where Jinjava's
 * differ without failing: Python floors on negative numbers, repeats strings and lists, writes
 * booleans as {@code True}; and an operand Python refuses fails the render (TypeError) instead of
 * being coerced to a number.
 */
final class PythonOperators {
  private PythonOperators() {}

  /** A Python TypeError or ZeroDivisionError: the render fails with its message. */
  static final class PythonError extends RuntimeException {
    PythonError(String message) {
      super(message);
    }
  }

  /** Jinjava whose expressions are parsed with these operators. */
  static Jinjava jinjava(JinjavaConfig config) {
    Properties properties = new Properties();
    properties.setProperty(ExpressionFactoryImpl.PROP_CACHE_SIZE, "0");
    ExpressionFactory factory = new ExpressionFactoryImpl(properties, new TruthyTypeConverter()) {
      @Override
      protected TreeBuilder createTreeBuilder(Properties p, Builder.Feature... features) {
        return new ExtendedSyntaxBuilder(features) {
          @Override
          protected Parser createParser(String expression) {
            return new PythonParser(this, expression);
          }
        };
      }
    };
    return new Jinjava(config) {
      @Override
      public ExpressionFactory getExpressionFactory() {
        return factory;
      }
    };
  }

  private static final class PythonParser extends ExtendedParser {
    PythonParser(Builder context, String input) {
      super(context, input);
      putExtensionHandler(TruncDivOperator.TOKEN, handler(Parser.ExtensionPoint.MUL, new Op("//", PythonOperators::floorDiv)));
      putExtensionHandler(StringConcatOperator.TOKEN, handler(Parser.ExtensionPoint.ADD,
          new Op("~", (a, b) -> Python.str(a) + Python.str(b))));
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
      if (operator == AstBinary.MUL) {
        return super.createAstBinary(left, right, new Op("*", PythonOperators::multiply));
      }
      if (operator == AstBinary.MOD) {
        boolean tuple = right instanceof AstTuple;
        return super.createAstBinary(left, right, new Op("%", (a, b) -> a instanceof CharSequence format
            ? PythonStrings.percent(format.toString(), b, tuple) : remainder(a, b)));
      }
      return super.createAstBinary(left, right, operator);
    }

    private static Parser.ExtensionHandler handler(Parser.ExtensionPoint point, Op op) {
      return new Parser.ExtensionHandler(point) {
        @Override
        public AstNode createAstNode(AstNode... children) {
          return new AstBinary(children[0], children[1], op);
        }
      };
    }
  }

  private interface Apply {
    Object apply(Object left, Object right);
  }

  /** An operator on evaluated operands; an undefined operand fails as Jinja's StrictUndefined does. */
  private static final class Op extends AstBinary.SimpleOperator {
    private final String symbol;
    private final Apply apply;

    Op(String symbol, Apply apply) {
      this.symbol = symbol;
      this.apply = apply;
    }

    @Override
    protected Object apply(TypeConverter converter, Object left, Object right) {
      for (Object operand : new Object[] {left, right}) {
        if (operand instanceof Undefined undefined) {
          throw new UndefinedException(undefined);
        }
      }
      return apply.apply(left, right);
    }

    @Override
    public String toString() {
      return symbol;
    }
  }

  private static Object floorDiv(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      long y = integer(b);
      if (y == 0) {
        throw new PythonError("integer division or modulo by zero");
      }
      return Math.floorDiv(integer(a), y);
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

  private static Object remainder(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      long y = integer(b);
      if (y == 0) {
        throw new PythonError("integer modulo by zero");
      }
      return Math.floorMod(integer(a), y);
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

  private static Object multiply(Object a, Object b) {
    if (isSequence(a) || isSequence(b)) {
      Object sequence = isSequence(a) ? a : b;
      Object times = sequence == a ? b : a;
      if (!isInt(times)) {
        throw new PythonError("can't multiply sequence by non-int of type '" + type(times) + "'");
      }
      int n = (int) Math.max(0, integer(times));
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
      BigInteger product = BigInteger.valueOf(integer(a)).multiply(BigInteger.valueOf(integer(b)));
      return product.bitLength() < 64 ? (Object) product.longValue() : product;
    }
    return number(a, a, b, "*") * number(b, a, b, "*");
  }

  private static boolean isSequence(Object value) {
    return value instanceof CharSequence || value instanceof Collection<?>;
  }

  /** Python's int (a bool is one); a BigInteger beyond a long is refused rather than cut. */
  private static boolean isInt(Object value) {
    return value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger big && big.bitLength() < 64;
  }

  private static long integer(Object value) {
    return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).longValue();
  }

  /** The operand {@code value} of {@code left symbol right} as a float, or the TypeError Python raises. */
  private static double number(Object value, Object left, Object right, String symbol) {
    if (isInt(value) || value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
    }
    throw new PythonError("unsupported operand type(s) for " + symbol + ": '" + type(left) + "' and '" + type(right) + "'");
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
