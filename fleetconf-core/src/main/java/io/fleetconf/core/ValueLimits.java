package io.fleetconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How deep a value may nest objects and arrays. Every renderer, diff and history encoder walks a
 * value recursively; with this bound (and {@link KeyPath#MAX_DEPTH} above it in a config tree)
 * none of them comes near its own limits or the stack's. See docs/api.md, "Values".
 */
public final class ValueLimits {
  /** The most levels of objects and arrays a value may nest: {@code {"a":[1]}} is 2. */
  public static final int MAX_DEPTH = 100;

  private ValueLimits() {}

  /** The rule every refusal of a too deep value states. */
  public static final String RULE = "a value may nest objects and arrays at most " + MAX_DEPTH + " levels deep";

  /** How deep a whole document (a value with its request's wrapping) may nest. */
  public static final int MAX_DOCUMENT_DEPTH = MAX_DEPTH + 8;

  /** Refuses a value nested deeper than {@link #MAX_DEPTH}, naming {@code key}. */
  public static JsonNode checkDepth(JsonNode value, Key key) {
    int depth = depth(value);
    if (depth > MAX_DEPTH) {
      throw new InvalidInputException("invalid_value",
          "the value of '" + key + "' is nested " + depth + " levels deep; " + RULE);
    }
    return value;
  }

  /** Levels of objects and arrays in {@code value} (0 for a scalar); walks without recursion. */
  public static int depth(JsonNode value) {
    record Level(JsonNode node, int depth) {}
    Deque<Level> pending = new ArrayDeque<>();
    pending.push(new Level(value, 0));
    int deepest = 0;
    while (!pending.isEmpty()) {
      Level level = pending.pop();
      if (level.node().isContainerNode()) {
        int depth = level.depth() + 1;
        deepest = Math.max(deepest, depth);
        level.node().forEach(child -> pending.push(new Level(child, depth)));
      }
    }
    return deepest;
  }
}
