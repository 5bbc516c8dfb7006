package io.fleetconf.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Visits the leaves of a tree in document order, without recursion: a value an older server
 * stored may nest far deeper than a request may today, and its flat formats must still render.
 */
final class Leaves {
  private Leaves() {}

  /**
   * A member's path as a key path is typed ({@code a/b}, {@code rules[0]/name}), for messages: a
   * key may hold a dot, so {@code a.b} and the member {@code b} of {@code a} must read differently.
   */
  static String memberPath(String parent, String key) {
    return parent.isEmpty() ? key : parent + "/" + key;
  }

  /** How a child's name derives from its parent's. */
  interface Naming<N> {
    N member(N parent, String key);

    N element(N parent, int index);
  }

  interface Sink<N> {
    void leaf(N name, JsonNode value);
  }

  /** Every scalar leaf other than {@code null}, with its name. */
  static <N> void forEach(JsonNode root, N rootName, Naming<N> naming, Sink<N> sink) {
    record Pending<N>(JsonNode node, N name) {}
    Deque<Pending<N>> pending = new ArrayDeque<>();
    pending.push(new Pending<>(root, rootName));
    while (!pending.isEmpty()) {
      Pending<N> next = pending.pop();
      JsonNode node = next.node();
      if (node.isObject()) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        for (int i = members.size() - 1; i >= 0; i--) {
          Map.Entry<String, JsonNode> member = members.get(i);
          pending.push(new Pending<>(member.getValue(), naming.member(next.name(), member.getKey())));
        }
      } else if (node.isArray()) {
        for (int i = node.size() - 1; i >= 0; i--) {
          pending.push(new Pending<>(node.get(i), naming.element(next.name(), i)));
        }
      } else if (!node.isNull() && !node.isMissingNode()) {
        sink.leaf(next.name(), node);
      }
    }
  }
}
