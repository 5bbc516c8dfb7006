package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.InterpretException;
import java.util.HashMap;
import java.util.Map;

/** Ansible's {@code comment} filter ({@code plugins/filter/core.py}), its styles and parameters as Ansible composes them. */
final class AnsibleComment {
  private AnsibleComment() {}

  private static final Map<String, Map<String, String>> STYLES = Map.of(
      "plain", Map.of("decoration", "# "),
      "erlang", Map.of("decoration", "% "),
      "c", Map.of("decoration", "// "),
      "cblock", Map.of("beginning", "/*", "decoration", " * ", "end", " */"),
      "xml", Map.of("beginning", "<!--", "decoration", " - ", "end", "-->"));

  static String comment(String text, String style, Map<String, Object> kwargs) {
    Map<String, String> params = STYLES.get(style);
    if (params == null) {
      throw new InterpretException("comment: unknown style '" + style + "' (plain, erlang, c, cblock, xml)");
    }
    String around = kwargs.containsKey("decoration") ? Python.str(kwargs.get("decoration")) : params.get("decoration");
    Map<String, Object> p = new HashMap<>(Map.of("newline", "\n", "beginning", "", "prefix", around.stripTrailing(),
        "prefix_count", 1L, "decoration", "", "postfix", around.stripTrailing(), "postfix_count", 1L, "end", ""));
    p.putAll(params);
    p.putAll(kwargs);
    String newline = Python.str(p.get("newline"));
    String decoration = Python.str(p.get("decoration"));
    String beginning = Python.str(p.get("beginning"));
    String prefix = Python.str(p.get("prefix"));
    StringBuilder out = new StringBuilder();
    if (!beginning.isEmpty()) {
      out.append(beginning).append(newline);
    }
    if (!prefix.isEmpty()) {
      out.append((prefix.equals(newline) ? newline : prefix + newline).repeat(count(p, "prefix_count")));
    }
    out.append((decoration + text.replace(newline, newline + decoration))
        .replace(decoration + newline, decoration.stripTrailing() + newline));
    for (int i = 0; i < count(p, "postfix_count"); i++) {
      out.append(newline).append(Python.str(p.get("postfix")));
    }
    String end = Python.str(p.get("end"));
    if (!end.isEmpty()) {
      out.append(newline).append(end);
    }
    return out.toString();
  }

  private static int count(Map<String, Object> p, String name) {
    Object value = p.get(name);
    return value instanceof Number n ? n.intValue() : Integer.parseInt(Python.str(value));
  }
}
