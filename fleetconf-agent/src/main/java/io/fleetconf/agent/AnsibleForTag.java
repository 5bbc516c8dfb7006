package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinja2's {@code for}, which Jinjava's lacks in three ways: a loop filter
 * ({@code {% for u in users if u.enabled %}}, counted by {@code loop.*} after filtering), an
 * {@code {% else %}} rendered when nothing was iterated, and {@code loop.previtem} /
 * {@code loop.nextitem}.
 */
final class AnsibleForTag extends ForTag {
  /** Jinjava's loop, knowing its items so that it can name the previous and the next one. */
  static final class Loop extends ForLoop {
    private final List<Object> items;
    private int at = -1;

    Loop(List<Object> items) {
      super(items.iterator(), items.size());
      this.items = items;
    }

    @Override
    public Object next() {
      at++;
      return super.next();
    }

    /** {@code loop.previtem} / {@code loop.nextitem}: the item, or an {@link Undefined} at either end. */
    Object neighbour(String name, int line) {
      int index = name.equals("previtem") ? at - 1 : at + 1;
      return index >= 0 && index < items.size() ? items.get(index)
          : new Undefined("there is no " + (index < 0 ? "previous" : "next") + " item", line);
    }
  }

  @Override
  public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
    var parsed = getLoopVarsAndExpression((TagToken) tagNode.getMaster());
    List<String> vars = parsed.getLeft();
    String expression = parsed.getRight();
    int split = topLevelIf(expression);
    String iterable = split < 0 ? expression : expression.substring(0, split);
    List<Object> items = new ArrayList<>();
    Object collection = interpreter.resolveELExpression(iterable, tagNode.getLineNumber());
    // Python iterates a dict's keys; Jinjava its values
    ForLoop all = ObjectIterator.getLoop(collection instanceof Map<?, ?> map ? new ArrayList<>(map.keySet()) : collection);
    while (all.hasNext()) {
      Object item = all.next();
      if (split < 0 || accepts(interpreter, vars, item, expression.substring(split + 4), tagNode.getLineNumber())) {
        items.add(item);
      }
    }
    List<Node> body = new ArrayList<>();
    List<Node> otherwise = new ArrayList<>();
    for (Node child : tagNode.getChildren()) {
      (child instanceof TagNode tag && tag.getName().equals("else") || !otherwise.isEmpty() ? otherwise : body).add(child);
    }
    StringBuilder out = new StringBuilder();
    if (items.isEmpty()) {
      otherwise.stream().skip(1).forEach(node -> out.append(node.render(interpreter).getValue()));
      return out.toString();
    }
    try (var scope = interpreter.enterScope()) {
      Loop loop = new Loop(items);
      interpreter.getContext().put(LOOP, loop);
      while (loop.hasNext()) {
        bind(interpreter, vars, interpreter.wrap(loop.next()));
        body.forEach(node -> out.append(node.render(interpreter).getValue()));
      }
    }
    return out.toString();
  }

  private static boolean accepts(JinjavaInterpreter interpreter, List<String> vars, Object item, String condition, int line) {
    try (var scope = interpreter.enterScope()) {
      bind(interpreter, vars, interpreter.wrap(item));
      return ObjectTruthValue.evaluate(interpreter.resolveELExpression(condition, line));
    }
  }

  /** Binds the loop's names to an item, unpacking a pair or list over several names as Python does. */
  private static void bind(JinjavaInterpreter interpreter, List<String> vars, Object item) {
    if (vars.size() == 1) {
      interpreter.getContext().put(vars.get(0), item);
      return;
    }
    List<?> parts = item instanceof Map.Entry<?, ?> entry ? java.util.Arrays.asList(entry.getKey(), entry.getValue())
        : item instanceof List<?> list ? list : List.of();
    if (parts.size() != vars.size()) {
      throw new com.hubspot.jinjava.interpret.InterpretException("cannot unpack " + Python.repr(item) + " into "
          + vars.size() + " names (" + String.join(", ", vars) + ")");
    }
    for (int i = 0; i < vars.size(); i++) {
      interpreter.getContext().put(vars.get(i), parts.get(i));
    }
  }

  /** Where the loop filter starts ({@code " if "} outside strings and brackets), or -1. */
  private static int topLevelIf(String expression) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if ("([{".indexOf(c) >= 0) {
        depth++;
      } else if (")]}".indexOf(c) >= 0) {
        depth--;
      } else if (depth == 0 && expression.startsWith(" if ", i)) {
        return i;
      }
    }
    return -1;
  }
}
