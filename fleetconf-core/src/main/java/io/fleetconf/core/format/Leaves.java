package io.fleetconf.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Walks a tree to its scalar leaves, in tree order; nulls and empty containers yield nothing. */
final class Leaves {
  /** One step of a leaf's path: an object key, or an array index. */
  record Step(String name, boolean index) {}

  private Leaves() {}

  static void walk(JsonNode node, BiConsumer<List<Step>, JsonNode> visitor) {
    walk(node, new ArrayList<>(), visitor);
  }

  private static void walk(JsonNode node, List<Step> path, BiConsumer<List<Step>, JsonNode> visitor) {
    if (node.isObject()) {
      node.properties().forEach(field -> {
        path.add(new Step(field.getKey(), false));
        walk(field.getValue(), path, visitor);
        path.remove(path.size() - 1);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        path.add(new Step(Integer.toString(i), true));
        walk(node.get(i), path, visitor);
        path.remove(path.size() - 1);
      }
    } else if (!node.isNull() && !node.isMissingNode()) {
      visitor.accept(List.copyOf(path), node);
    }
  }

  /** The path as a person reads it: {@code a.b[0].c}. */
  static String dotted(List<Step> path) {
    StringBuilder out = new StringBuilder();
    for (Step step : path) {
      if (step.index()) {
        out.append('[').append(step.name()).append(']');
      } else {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(step.name());
      }
    }
    return out.toString();
  }
}
