package io.fleetconf.agent;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import java.util.ArrayList;
import io.fleetconf.agent.Undefined.UndefinedException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Jinja as Ansible's template module runs it: blocks trimmed, and a name the config does not have
 * fails the render wherever it is used (Jinja's {@code StrictUndefined}), unless {@code default}
 * or {@code is defined} guards it. An unknown filter or test fails before anything renders, as
 * Jinja's compiler does. Jinjava alone renders all three as empty text.
 */
final class StrictJinja {
  /** One thing wrong with a template, at a line (1-based). */
  record Problem(int line, String message) {}

  private static final Pattern COMMENT = Pattern.compile("\\{#.*?#}", Pattern.DOTALL);
  private static final Pattern RAW = Pattern.compile("\\{%-?\\s*raw\\s*-?%}.*?\\{%-?\\s*endraw\\s*-?%}", Pattern.DOTALL);
  private static final Pattern CODE = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);
  private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.DOTALL);
  private static final Pattern FILTER = Pattern.compile("(?<!\\|)\\|(?!\\|)\\s*([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern TEST = Pattern.compile("\\bis\\s+(?:not\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

  private final Jinjava jinja;
  private final boolean ansible;

  StrictJinja() {
    this(true, false, false);
  }

  /**
   * Jinja with the given block settings; {@code ansible} adds Ansible's filters and tests and prints
   * values as Python does ({@code True}, {@code ['a', 1]}, {@code {'k': 'v'}}, None as nothing).
   */
  StrictJinja(boolean trimBlocks, boolean lstripBlocks, boolean ansible) {
    JinjavaConfig.Builder config = JinjavaConfig.newBuilder().withTrimBlocks(trimBlocks).withLstripBlocks(lstripBlocks)
        .withFailOnUnknownTokens(false).withElResolver(new CompositeELResolver() {
          {
            add(new UndefinedResolver());
            add(new PythonStrings());
            add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
          }
        }).withInterperterFactory(new StrictInterpreters());
    if (ansible) {
      config.withLegacyOverrides(LegacyOverrides.newBuilder().withUsePyishObjectMapper(true)
          // Jinja2's precedence: a filter binds tighter than a unary minus ({{ -x | abs }} is abs(-x)),
          // and {{ -x }} is a negation, not whitespace control
          .withUseNaturalOperatorPrecedence(true).withParseWhitespaceControlStrictly(true).build())
          .withExecutionMode(new com.hubspot.jinjava.mode.ExecutionMode() {
            @Override
            public void prepareContext(Context context) {
              context.setExpressionStrategy(new PythonOutput());
            }
          });
    }
    jinja = ansible ? PythonOperators.jinjava(config.build()) : new Jinjava(config.build());
    this.ansible = ansible;
    Context global = jinja.getGlobalContext();
    if (ansible) {
      AnsibleFilters.register(global);
      NumberFilters.register(global);
      JinjaFilters.register(global);
      JinjaMoreFilters.register(global);
      global.registerTag(new AnsibleForTag());
    }
    // Ansible mode has Jinja2's own default (JinjaMoreFilters), which keeps None
    for (String name : ansible ? List.<String>of() : List.of("default", "d")) {
      global.registerFilter(new Guard(name, global.getFilter(name)));
    }
    for (String name : List.of("defined", "undefined")) {
      global.registerExpTest(new DefinedTest(name, global.getExpTest(name)));
    }
  }

  /** Prints an expression's value as Ansible's Jinja does: Python's {@code str}, and None as nothing. */
  private static final class PythonOutput implements ExpressionStrategy {
    @Override
    public RenderedOutputNode interpretOutput(ExpressionToken master, JinjavaInterpreter interpreter) {
      Object value = interpreter.resolveELExpression(master.getExpr(), master.getLineNumber());
      try {
        return new RenderedOutputNode(value == null ? "" : Python.str(value));
      } catch (PythonOperators.PythonError e) {
        throw new PythonOperators.PythonError(e.getMessage(), master.getLineNumber());
      }
    }
  }

  /** Renders {@code source}; the output, or what is wrong with the template, first problem first. */
  Rendered render(String source, Map<String, Object> context) {
    if (ansible) {
      source = percentOperators(pythonLiterals(source));
      context = new LinkedHashMap<>(context);
      // Jinja's literals that Jinjava lacks (none is answered by the interpreter: a null binding is dropped)
      context.putIfAbsent("True", true);
      context.putIfAbsent("False", false);
    }
    // Jinjava drops a null binding; the names that are null (an Ansible None) are kept aside so that
    // they read as None, not as undefined.
    context = new LinkedHashMap<>(context);
    context.put(NULL_NAMES, context.entrySet().stream().filter(e -> e.getValue() == null)
        .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet()));
    List<Problem> unknown = unknownNames(source);
    if (!unknown.isEmpty()) {
      return new Rendered(Optional.empty(), unknown);
    }
    RenderResult result = jinja.renderForResult(source, context);
    List<Problem> problems = result.getErrors().stream()
        .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
        .map(StrictJinja::problem)
        .toList();
    return new Rendered(problems.isEmpty() ? Optional.of(result.getOutput()) : Optional.empty(), problems);
  }

  record Rendered(Optional<String> output, List<Problem> problems) {}

  /** A config tree as the template sees it: maps that know their path, so a missing key is named in full. */
  static Object tree(String path, Object value) {
    if (value instanceof Map<?, ?> map) {
      Branch branch = new Branch(path);
      map.forEach((k, v) -> branch.put((String) k, tree(path + "." + k, v)));
      return branch;
    }
    if (value instanceof List<?> list) {
      Items items = new Items(path);
      for (int i = 0; i < list.size(); i++) {
        items.add(tree(path + "[" + i + "]", list.get(i)));
      }
      return items;
    }
    return value;
  }

  /** Jinjava loses the line of some errors (-1); an undefined name keeps the line it was looked up at. */
  private static Problem problem(TemplateError error) {
    for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UndefinedException undefined) {
        return new Problem(undefined.line(), undefined.getMessage());
      }
      if (cause instanceof PythonOperators.PythonError python) {
        return new Problem(python.line() > 0 ? python.line() : error.getLineno(), python.getMessage());
      }
    }
    return new Problem(error.getLineno(), error.getMessage());
  }

  /** Filters and tests the template names that Jinjava does not have, with their lines. */
  private List<Problem> unknownNames(String source) {
    String code = blank(RAW, blank(COMMENT, source));
    List<Problem> problems = new ArrayList<>();
    for (Matcher block = CODE.matcher(code); block.find(); ) {
      String text = blank(STRING, block.group());
      for (Matcher m = FILTER.matcher(text); m.find(); ) {
        if (jinja.getGlobalContext().getFilter(m.group(1)) == null) {
          problems.add(new Problem(line(code, block.start() + m.start()), "unknown filter '" + m.group(1) + "'"));
        }
      }
      for (Matcher m = TEST.matcher(text); m.find(); ) {
        if (jinja.getGlobalContext().getExpTest(m.group(1)) == null) {
          problems.add(new Problem(line(code, block.start() + m.start()), "unknown test '" + m.group(1) + "'"));
        }
      }
    }
    return problems;
  }

  /**
   * Jinja reads a string literal's escapes as Python does ({@code '\\1'} is a backslash and 1,
   * {@code '\\d'} stays as written); Jinjava knows only two and rejects the rest. Each literal in
   * the template's code becomes the Jinjava literal of the same text.
   */
  private static String pythonLiterals(String source) {
    String blanked = blank(RAW, blank(COMMENT, source));
    StringBuilder out = new StringBuilder();
    int done = 0;
    for (Matcher block = CODE.matcher(blanked); block.find(); ) {
      for (Matcher m = STRING.matcher(blanked.substring(block.start(), block.end())); m.find(); ) {
        int start = block.start() + m.start();
        String literal = source.substring(start, block.start() + m.end());
        out.append(source, done, start).append(jinjavaLiteral(pythonUnescape(literal.substring(1, literal.length() - 1))));
        done = block.start() + m.end();
      }
    }
    return out.append(source.substring(done)).toString();
  }

  /**
   * Python's {@code 'fmt' % values} in each code block (see {@link PythonStrings#percentOperators}),
   * and an expression that starts with a minus: Jinjava reads {@code {{ -7 }}} as {@code {{- 7 }}}
   * (whitespace control) and drops the sign; after {@code 0 +} the minus is an operator again.
   */
  private static String percentOperators(String source) {
    String blanked = blank(RAW, blank(COMMENT, source));
    StringBuilder out = new StringBuilder();
    int done = 0;
    for (Matcher block = CODE.matcher(blanked); block.find(); ) {
      String code = PythonSyntax.rewrite(source.substring(block.start(), block.end()));
      out.append(source, done, block.start()).append(PythonStrings.percentOperators(code));
      done = block.end();
    }
    return out.append(source.substring(done)).toString();
  }

  private static String jinjavaLiteral(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String pythonUnescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case '\\', '\'', '"' -> out.append(next);
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case '\n' -> { }
        default -> {
          if (next >= '0' && next <= '7') {
            int end = i;
            while (end < text.length() && end < i + 3 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
              end++;
            }
            out.append((char) Integer.parseInt(text.substring(i, end), 8));
            i = end - 1;
          } else if ((next == 'x' || next == 'u' || next == 'U') && i + hexDigits(next) < text.length()
              && text.substring(i + 1, i + 1 + hexDigits(next)).matches("[0-9a-fA-F]+")) {
            int digits = hexDigits(next);
            out.appendCodePoint(Integer.parseInt(text.substring(i + 1, i + 1 + digits), 16));
            i += digits;
          } else {
            out.append('\\').append(next);
          }
        }
      }
    }
    return out.toString();
  }

  /** The hex digits of Python's {@code \\xNN}, {@code \\uNNNN} and {@code \\UNNNNNNNN} escapes. */
  private static int hexDigits(char escape) {
    return escape == 'x' ? 2 : escape == 'u' ? 4 : 8;
  }

  /** Replaces each match by spaces, keeping newlines, so that offsets and line numbers stay. */
  private static String blank(Pattern pattern, String text) {
    return pattern.matcher(text).replaceAll(m -> m.group().replaceAll("[^\n]", " "));
  }

  private static int line(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  /** A map of the config at {@code path} ({@code tv_api}, {@code tv_api.limits}). */
  static class Branch extends LinkedHashMap<String, Object> {
    private final String path;

    Branch(String path) {
      this.path = path;
    }
  }

  /** {@code hostvars}: this host's variables; another host's are not on the device, and say so when used. */
  static Branch hostvars(String host, Object vars) {
    Branch hostvars = new Branch("hostvars");
    hostvars.put(host, vars);
    return hostvars;
  }

  /** A list of the config at {@code path}, so that an index past its end is named in full. */
  static final class Items extends ArrayList<Object> {
    private final String path;

    Items(String path) {
      this.path = path;
    }

    /** True for a whole-number index that is past either end (Jinjava counts negative ones from the end). */
    boolean lacks(Object property) {
      if (!(property instanceof Number) && !(property instanceof String s && s.matches("-?\\d{1,9}"))) {
        return false;
      }
      long index = property instanceof Number n ? n.longValue() : Long.parseLong((String) property);
      return index >= size() || index < -size();
    }
  }


  /** Resolves a missing key of the config, or anything under an undefined name, to an {@link Undefined}. */
  private static final class UndefinedResolver extends ReadOnlyResolver {
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
      Object value = base instanceof PyMap map ? map.toMap()
          : base instanceof PyList list ? list.toList() : base;
      String key = String.valueOf(property);
      int line = JinjavaInterpreter.getCurrentMaybe().map(JinjavaInterpreter::getLineNumber).orElse(-1);
      if (value instanceof JinjaMoreFilters.Group group && (key.equals("grouper") || key.equals("list"))) {
        context.setPropertyResolved(true);
        return group.get(key.equals("grouper") ? 0 : 1);
      }
      if (base instanceof AnsibleForTag.Loop loop && (key.equals("previtem") || key.equals("nextitem"))) {
        context.setPropertyResolved(true);
        return loop.neighbour(key, line);
      }
      Optional<PythonSyntax.Slice> slice = PythonSyntax.Slice.of(property);
      if (slice.isPresent()) {
        context.setPropertyResolved(true);
        return PythonSyntax.slice(value, slice.get());
      }
      // a string's item is a character (code point), counted from the end when negative; Jinjava gives the index as text
      if (value instanceof String s && key.matches("-?\\d{1,9}") && !(property instanceof Boolean)) {
        List<Object> chars = JinjaFilters.items(s);
        long index = Long.parseLong(key);
        if (index >= -chars.size() && index < chars.size()) {
          context.setPropertyResolved(true);
          return chars.get((int) (index < 0 ? chars.size() + index : index));
        }
      }
      Optional<String> undefined = switch (value) {
        case Undefined u -> Optional.of(u.name() + "." + key);
        case Branch branch when !branch.containsKey(key) && branch.path.equals("hostvars") -> Optional.of("hostvars['" + key + "']");
        case Branch branch when !branch.containsKey(key) -> Optional.of(branch.path + "." + key);
        case Items items when items.lacks(property) -> Optional.of(items.path + "[" + key + "]");
        // a scalar has no attributes in Jinja; Jinjava would look for Java bean getters
        case String s -> Optional.of("('" + s + "')." + key);
        case Number n -> Optional.of("(" + n + ")." + key);
        case Boolean b -> Optional.of("(" + b + ")." + key);
        case null, default -> Optional.empty();
      };
      if (undefined.isEmpty()) {
        return null;
      }
      context.setPropertyResolved(true);
      return new Undefined(undefined.get(), line);
    }

  }

  /** Where {@link #render} keeps the top-level names bound to null. */
  private static final String NULL_NAMES = "__fleetconf_null_names__";

  /** A top-level name that is in no scope (nor bound to null) is an {@link Undefined}, not null. */
  private static final class StrictInterpreters implements InterpreterFactory {
    @Override
    public JinjavaInterpreter newInstance(JinjavaInterpreter original) {
      return new StrictInterpreter(original);
    }

    @Override
    public JinjavaInterpreter newInstance(Jinjava jinjava, Context context, JinjavaConfig config) {
      return new StrictInterpreter(jinjava, context, config);
    }
  }

  private static final class StrictInterpreter extends JinjavaInterpreter {
    StrictInterpreter(JinjavaInterpreter original) {
      super(original);
    }

    StrictInterpreter(Jinjava jinjava, Context context, JinjavaConfig config) {
      super(jinjava, context, config);
    }

    @Override
    public Object retraceVariable(String variable, int lineNumber, int startPosition) {
      Object value = super.retraceVariable(variable, lineNumber, startPosition);
      if (value == null && (variable.equals("none") || variable.equals("None"))) {
        return null;
      }
      boolean isNull = getContext().get(NULL_NAMES) instanceof java.util.Set<?> names && names.contains(variable);
      return value == null && !isNull && !getContext().containsKey(variable) ? new Undefined(variable, lineNumber) : value;
    }
  }

  /** {@code default} / {@code d}: an undefined value is absent. */
  private record Guard(String name, Filter filter) implements AdvancedFilter {
    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      // A defined None (an Ansible null) stays None, as in Jinja2, unless boolean=true asks for falsy ones too.
      boolean falsy = args.length > 1 && Boolean.TRUE.equals(args[1]) || Boolean.TRUE.equals(kwargs.get("boolean"));
      if (value == null && !falsy) {
        return null;
      }
      return filter.filter(value instanceof Undefined ? null : value, interpreter, args, kwargs);
    }

    @Override
    public String getName() {
      return name;
    }
  }

  /** {@code defined} / {@code undefined}: an undefined value is absent. */
  private record DefinedTest(String name, ExpTest test) implements ExpTest {
    @Override
    public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
      if (value == null) {
        return name.equals("defined"); // a defined None, such as an Ansible null
      }
      return test.evaluate(value instanceof Undefined ? null : value, interpreter, args);
    }

    @Override
    public String getName() {
      return name;
    }
  }
}
