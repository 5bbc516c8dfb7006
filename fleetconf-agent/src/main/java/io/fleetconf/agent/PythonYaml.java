package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.InterpretException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...)} as Ansible 2.14's
 * {@code to_yaml} and {@code to_nice_yaml} call it: PyYAML's safe representer and resolver, and
 * libyaml's emitter (Ansible's dumper is {@code CSafeDumper} where libyaml is installed), so
 * quoting, flow style, indentation and line folding at {@code width} come out byte for byte.
 */
final class PythonYaml {
  /** {@code yaml.dump}'s arguments that Ansible's filters pass on. */
  record Options(int indent, int width, Optional<Boolean> flowStyle, boolean sortKeys, boolean explicitStart) {}

  private sealed interface Node permits Scalar, Sequence, Mapping {}

  /** {@code plainImplicit}: read back plain, the text gives the same type (PyYAML's implicit[0]). */
  private record Scalar(String text, boolean plainImplicit) implements Node {}

  private record Sequence(List<Node> items, boolean flow) implements Node {}

  private record Mapping(List<Node[]> pairs, boolean flow) implements Node {}

  // PyYAML's implicit resolvers (yaml/resolver.py): a string matching one is quoted to stay a string.
  private static final List<Pattern> IMPLICIT = List.of(
      Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
      Pattern.compile("[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
          + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"),
      Pattern.compile("[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
          + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"),
      Pattern.compile("<<|=|~|null|Null|NULL|"),
      Pattern.compile("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
          + "(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"));

  private final Options options;
  private final int bestIndent;
  private final int bestWidth;
  private final StringBuilder out = new StringBuilder();
  private final List<Integer> indents = new ArrayList<>();
  private Integer indent;
  private int column;
  private int flowLevel;
  private boolean whitespace = true;
  private boolean indention = true;
  /** PyYAML's representer reuses the node of a dict or list it has seen (by identity), so the serializer anchors it. */
  private final Map<Object, Node> represented = new java.util.IdentityHashMap<>();
  private final Map<Node, String> anchors = new java.util.IdentityHashMap<>();
  private final java.util.Set<Node> serialized = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  private PythonYaml(Options options) {
    this.options = options;
    this.bestIndent = options.indent() > 1 && options.indent() < 10 ? options.indent() : 2;
    this.bestWidth = options.width() > bestIndent * 2 ? options.width() : 80;
  }

  static String dump(Object value, Options options) {
    PythonYaml yaml = new PythonYaml(options);
    Node root = yaml.represent(value);
    yaml.anchor(root);
    if (options.explicitStart()) {
      yaml.indicator("---", true, false, false);
    }
    yaml.node(root, false, false);
    yaml.writeIndent();
    return yaml.out.toString();
  }

  // --- SafeRepresenter

  private Node represent(Object value) {
    return switch (value) {
      case null -> new Scalar("null", true);
      case Boolean b -> new Scalar(b ? "true" : "false", true);
      case Double d -> new Scalar(floatText(d), true);
      case Float f -> new Scalar(floatText(f.doubleValue()), true);
      case BigDecimal d -> new Scalar(floatText(d.doubleValue()), true);
      case Number n -> new Scalar(n.toString(), true);
      case CharSequence s -> new Scalar(s.toString(), IMPLICIT.stream().noneMatch(p -> p.matcher(s).matches()));
      case Map<?, ?> map when represented.containsKey(identity(map)) -> represented.get(identity(map));
      case Collection<?> list when represented.containsKey(identity(list)) -> represented.get(identity(list));
      case Map<?, ?> map -> {
        List<Node[]> pairs = new ArrayList<>();
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (options.sortKeys() && entries.stream().allMatch(e -> e.getKey() instanceof CharSequence)) {
          entries.sort(Comparator.comparing(e -> e.getKey().toString()));
        }
        entries.forEach(e -> pairs.add(new Node[] {represent(e.getKey()), represent(e.getValue())}));
        Node node = new Mapping(pairs, options.flowStyle().orElse(
            pairs.stream().allMatch(p -> p[0] instanceof Scalar && p[1] instanceof Scalar)));
        represented.put(identity(map), node);
        yield node;
      }
      case Collection<?> list -> {
        List<Node> items = list.stream().map(this::represent).toList();
        Node node = new Sequence(items, options.flowStyle().orElse(items.stream().allMatch(i -> i instanceof Scalar)));
        represented.put(identity(list), node);
        yield node;
      }
      case Undefined undefined -> throw new Undefined.UndefinedException(undefined);
      default -> throw new InterpretException("to_yaml - cannot represent an object: " + Python.repr(value));
    };
  }

  /** The object a template's value is: Jinjava wraps a dict or list anew at each use. */
  private static Object identity(Object value) {
    return value instanceof com.hubspot.jinjava.objects.collections.PyMap map ? identity(map.toMap())
        : value instanceof com.hubspot.jinjava.objects.collections.PyList list ? identity(list.toList()) : value;
  }

  /** PyYAML's serializer: a node met a second time gets the next anchor, {@code id001}, {@code id002}... */
  private void anchor(Node node) {
    if (anchors.containsKey(node)) {
      if (anchors.get(node) == null) {
        anchors.put(node, String.format("id%03d", anchors.values().stream().filter(java.util.Objects::nonNull).count() + 1));
      }
      return;
    }
    anchors.put(node, null);
    switch (node) {
      case Sequence seq -> seq.items().forEach(this::anchor);
      case Mapping map -> map.pairs().forEach(pair -> {
        anchor(pair[0]);
        anchor(pair[1]);
      });
      case Scalar scalar -> { }
    }
  }

  /** {@code repr(float).lower()}, with {@code .0} before an exponent that has no dot. */
  private static String floatText(double d) {
    if (Double.isNaN(d)) {
      return ".nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? ".inf" : "-.inf";
    }
    String text = Python.floatRepr(d).toLowerCase(java.util.Locale.ROOT);
    return !text.contains(".") && text.contains("e") ? text.replaceFirst("e", ".0e") : text;
  }

  // --- libyaml's emitter

  private void node(Node node, boolean mappingContext, boolean simpleKey) {
    String anchor = anchors.get(node);
    if (anchor != null && !serialized.add(node)) {
      indicator("*" + anchor, true, false, false);
      return;
    }
    if (anchor != null) {
      indicator("&" + anchor, true, false, false);
    }
    switch (node) {
      case Scalar scalar -> scalar(scalar, simpleKey);
      case Sequence seq when flowLevel > 0 || seq.flow() || seq.items().isEmpty() -> flowSequence(seq);
      case Sequence seq -> blockSequence(seq, mappingContext);
      case Mapping map when flowLevel > 0 || map.flow() || map.pairs().isEmpty() -> flowMapping(map);
      case Mapping map -> blockMapping(map);
    }
  }

  private void flowSequence(Sequence seq) {
    indicator("[", true, true, false);
    increaseIndent(true, false);
    flowLevel++;
    boolean first = true;
    for (Node item : seq.items()) {
      if (!first) {
        indicator(",", false, false, false);
      }
      first = false;
      if (column > bestWidth) {
        writeIndent();
      }
      node(item, false, false);
    }
    flowLevel--;
    indent = indents.removeLast();
    indicator("]", false, false, false);
  }

  private void flowMapping(Mapping map) {
    indicator("{", true, true, false);
    increaseIndent(true, false);
    flowLevel++;
    boolean first = true;
    for (Node[] pair : map.pairs()) {
      if (!first) {
        indicator(",", false, false, false);
      }
      first = false;
      if (column > bestWidth) {
        writeIndent();
      }
      if (simpleKey(pair[0])) {
        node(pair[0], true, true);
        indicator(":", false, false, false);
      } else {
        indicator("?", true, false, false);
        node(pair[0], true, false);
        if (column > bestWidth) {
          writeIndent();
        }
        indicator(":", true, false, false);
      }
      node(pair[1], true, false);
    }
    flowLevel--;
    indent = indents.removeLast();
    indicator("}", false, false, false);
  }

  private void blockSequence(Sequence seq, boolean mappingContext) {
    increaseIndent(false, mappingContext && !indention);
    for (Node item : seq.items()) {
      writeIndent();
      indicator("-", true, false, true);
      node(item, false, false);
    }
    indent = indents.removeLast();
  }

  private void blockMapping(Mapping map) {
    increaseIndent(false, false);
    for (Node[] pair : map.pairs()) {
      writeIndent();
      if (simpleKey(pair[0])) {
        node(pair[0], true, true);
        indicator(":", false, false, false);
      } else {
        indicator("?", true, false, true);
        node(pair[0], true, false);
        writeIndent();
        indicator(":", true, false, true);
      }
      node(pair[1], true, false);
    }
    indent = indents.removeLast();
  }

  private boolean simpleKey(Node key) {
    return switch (key) {
      case Scalar s -> !YamlScalar.of(s.text()).multiline && s.text().codePointCount(0, s.text().length()) <= 128;
      case Sequence seq -> seq.items().isEmpty();
      case Mapping map -> map.pairs().isEmpty();
    };
  }

  private void increaseIndent(boolean flow, boolean indentless) {
    indents.add(indent);
    if (indent == null) {
      indent = flow ? bestIndent : 0;
    } else if (!indentless) {
      indent += bestIndent;
    }
  }

  private void scalar(Scalar scalar, boolean simpleKey) {
    increaseIndent(true, false);
    YamlScalar a = YamlScalar.of(scalar.text());
    boolean plain = scalar.plainImplicit() && !(simpleKey && a.multiline)
        && (flowLevel > 0 ? a.flowPlain : a.blockPlain) && !(a.empty && (flowLevel > 0 || simpleKey));
    int[] text = scalar.text().codePoints().toArray();
    if (plain) {
      writePlain(text, !simpleKey);
    } else if (a.singleQuoted && !(simpleKey && a.multiline)) {
      writeSingleQuoted(text, !simpleKey);
    } else {
      writeDoubleQuoted(text, !simpleKey);
    }
    indent = indents.removeLast();
  }

  private void write(String data) {
    out.append(data);
    column += data.codePointCount(0, data.length());
  }

  private void indicator(String indicator, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
    write(needWhitespace && !whitespace ? " " + indicator : indicator);
    whitespace = isWhitespace;
    indention = indention && isIndention;
  }

  private void writeIndent() {
    int at = indent == null ? 0 : indent;
    if (!indention || column > at || (column == at && !whitespace)) {
      lineBreak();
    }
    if (column < at) {
      write(" ".repeat(at - column));
    }
    whitespace = true;
    indention = true;
  }

  private void lineBreak() {
    out.append('\n');
    column = 0;
    whitespace = true;
    indention = true;
  }

  private void writeBreak(int ch) {
    if (ch == '\n') {
      lineBreak();
    } else {
      out.appendCodePoint(ch);
      column = 0;
    }
  }

  private void writePlain(int[] text, boolean allowBreaks) {
    if (!whitespace && (text.length > 0 || flowLevel > 0)) {
      write(" ");
    }
    writeFolding(text, allowBreaks, false);
    whitespace = false;
    indention = false;
  }

  private void writeSingleQuoted(int[] text, boolean allowBreaks) {
    indicator("'", true, false, false);
    if (writeFolding(text, allowBreaks, true)) {
      writeIndent();
    }
    indicator("'", false, false, false);
  }

  /**
   * The text of a plain or single-quoted scalar: a lone space past the width becomes a line break,
   * a line break is written doubled (a single one would fold to a space). True if it ends in a break.
   */
  private boolean writeFolding(int[] text, boolean allowBreaks, boolean quoted) {
    boolean spaces = false;
    boolean breaks = false;
    for (int i = 0; i < text.length; i++) {
      int ch = text[i];
      if (ch == ' ') {
        if (allowBreaks && !spaces && column > bestWidth && i != 0 && i != text.length - 1 && text[i + 1] != ' ') {
          writeIndent();
        } else {
          write(" ");
        }
        spaces = true;
      } else if (YamlScalar.isBreak(ch)) {
        if (!breaks && ch == '\n') {
          lineBreak();
        }
        writeBreak(ch);
        indention = true;
        breaks = true;
      } else {
        if (breaks) {
          writeIndent();
        }
        write(quoted && ch == '\'' ? "''" : Character.toString(ch));
        indention = false;
        spaces = false;
        breaks = false;
      }
    }
    return breaks;
  }

  private void writeDoubleQuoted(int[] text, boolean allowBreaks) {
    indicator("\"", true, false, false);
    boolean spaces = false;
    for (int i = 0; i < text.length; i++) {
      int ch = text[i];
      if (!YamlScalar.printable(ch) || ch == 0xFEFF || YamlScalar.isBreak(ch) || ch == '"' || ch == '\\') {
        write(escape(ch));
        spaces = false;
      } else if (ch == ' ') {
        if (allowBreaks && !spaces && column > bestWidth && i != 0 && i != text.length - 1) {
          writeIndent();
          if (text[i + 1] == ' ') {
            write("\\");
          }
        } else {
          write(" ");
        }
        spaces = true;
      } else {
        write(Character.toString(ch));
        spaces = false;
      }
    }
    indicator("\"", false, false, false);
  }

  private static String escape(int ch) {
    return switch (ch) {
      case 0 -> "\\0";
      case 0x07 -> "\\a";
      case 0x08 -> "\\b";
      case 0x09 -> "\\t";
      case 0x0A -> "\\n";
      case 0x0B -> "\\v";
      case 0x0C -> "\\f";
      case 0x0D -> "\\r";
      case 0x1B -> "\\e";
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case 0x85 -> "\\N";
      case 0xA0 -> "\\_";
      case 0x2028 -> "\\L";
      case 0x2029 -> "\\P";
      default -> ch <= 0xFF ? String.format("\\x%02X", ch) : ch <= 0xFFFF ? String.format("\\u%04X", ch)
          : String.format("\\U%08X", ch);
    };
  }
}
