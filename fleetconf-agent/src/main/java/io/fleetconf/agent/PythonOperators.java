package io.fleetconf.agent;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstTuple;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.PowerOfOperator;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import com.hubspot.jinjava.el.ext.TruncDivOperator;
import io.fleetconf.agent.Undefined.UndefinedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import com.hubspot.jinjava.el.ext.AstDict;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Parser.ParseException;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.javax.el.ELContext;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinja2's operators with Python's semantics where Jinjava's differ without failing (arithmetic in
 * {@link PythonArithmetic}, comparisons and {@code in} in {@link PythonComparison}, {@code ~} as
 * Python's {@code str}): an operand Python refuses fails the render with Python's message instead
 * of being coerced to a number or text.
 */
final class PythonOperators {
  private PythonOperators() {}

  /** A Python TypeError or ZeroDivisionError: the render fails with its message. */
  static final class PythonError extends RuntimeException {
    private final int line;

    PythonError(String message) {
      this(message, -1);
    }

    /** Raised at a known template line (Jinjava loses the line of an error while printing a value). */
    PythonError(String message, int line) {
      super(message);
      this.line = line;
    }

    int line() {
      return line;
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
      putExtensionHandler(TruncDivOperator.TOKEN, handler(TruncDivOperator.HANDLER, new Op("//", PythonArithmetic::floorDiv)));
      putExtensionHandler(PowerOfOperator.TOKEN, handler(PowerOfOperator.HANDLER, new Op("**", PythonArithmetic::power)));
      putExtensionHandler(CollectionMembershipOperator.TOKEN, handler(CollectionMembershipOperator.HANDLER,
          new Op("in", PythonComparison::contains)));
      putExtensionHandler(CollectionNonMembershipOperator.TOKEN, handler(CollectionNonMembershipOperator.HANDLER,
          new Op("not in", (a, b) -> !PythonComparison.contains(a, b))));
      putExtensionHandler(StringConcatOperator.TOKEN, handler(StringConcatOperator.HANDLER,
          new Op("~", (a, b) -> Python.str(a) + Python.str(b))));
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
      boolean tuple = right instanceof AstTuple;
      Op op = operator == AstBinary.MUL ? new Op("*", PythonArithmetic::multiply)
          : operator == AstBinary.MOD ? new Op("%", (a, b) -> a instanceof CharSequence format
              ? PythonStrings.percent(format.toString(), b, tuple) : PythonArithmetic.remainder(a, b))
          : operator == AstBinary.ADD || operator == AdditionOperator.OP ? new Op("+", PythonArithmetic::add)
          : operator == AstBinary.SUB ? new Op("-", PythonArithmetic::subtract)
          : operator == AstBinary.DIV ? new Op("/", PythonArithmetic::divide)
          : operator == AstBinary.EQ ? new Op("==", PythonComparison::equal)
          : operator == AstBinary.NE ? new Op("!=", (a, b) -> !PythonComparison.equal(a, b))
          : ordering(operator);
      return super.createAstBinary(left, right, op == null ? operator : op);
    }

    private static Op ordering(AstBinary.Operator operator) {
      String symbol = operator == AstBinary.LT ? "<" : operator == AstBinary.LE ? "<="
          : operator == AstBinary.GT ? ">" : operator == AstBinary.GE ? ">=" : null;
      return symbol == null ? null : new Op(symbol, (a, b) -> PythonComparison.ordered(a, b, symbol));
    }

    /**
     * Unary minus as Python's. Jinja2 applies it before a filter ({@code -3 | abs} is 3): the
     * natural operator precedence that {@link StrictJinja} turns on parses it so.
     */
    @Override
    protected AstUnary createAstUnary(AstNode operand, AstUnary.Operator operator) {
      if (operator != AstUnary.NEG) {
        return super.createAstUnary(operand, operator);
      }
      return super.createAstUnary(operand, new AstUnary.SimpleOperator() {
        @Override
        protected Object apply(TypeConverter converter, Object value) {
          if (value instanceof Undefined undefined) {
            throw new UndefinedException(undefined);
          }
          return PythonArithmetic.negate(value);
        }

        @Override
        public String toString() {
          return "-";
        }
      });
    }

    /** A tuple literal is a Python tuple ({@code (1, 2)} prints so), not a list. */
    @Override
    protected AstTuple createAstTuple(AstParameters parameters) throws ScanException, ParseException {
      return new AstTuple(parameters) {
        @Override
        public Object eval(Bindings bindings, ELContext context) {
          return new Python.Tuple((java.util.Collection<?>) super.eval(bindings, context));
        }
      };
    }

    /**
     * A dict literal's keys are expressions, as in Jinja2: {@code {name: 1}} keys by the value of
     * {@code name} (Jinjava: the text "name"), and {@code {1: 'a'}} by the int 1 (Jinjava: "1").
     */
    @Override
    protected AstDict createAstDict(Map<AstNode, AstNode> dict) {
      return new AstDict(dict) {
        @Override
        public Object eval(Bindings bindings, ELContext context) {
          Map<Object, Object> resolved = new LinkedHashMap<>();
          boolean text = true;
          for (Map.Entry<AstNode, AstNode> entry : dict.entrySet()) {
            Object key = entry.getKey().eval(bindings, context);
            if (key instanceof Undefined undefined) {
              throw new UndefinedException(undefined);
            }
            text &= key instanceof String;
            resolved.put(key, entry.getValue().eval(bindings, context));
          }
          if (!text) {
            return resolved;
          }
          Map<String, Object> byText = new LinkedHashMap<>();
          resolved.forEach((k, v) -> byText.put((String) k, v));
          return new com.hubspot.jinjava.objects.collections.PyMap(byText);
        }
      };
    }

    /** Jinjava's handler for the token, building this operator instead. */
    private static Parser.ExtensionHandler handler(Parser.ExtensionHandler jinjava, Op op) {
      return new Parser.ExtensionHandler(jinjava.getExtensionPoint()) {
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

}
