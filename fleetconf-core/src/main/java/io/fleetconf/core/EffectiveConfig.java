package io.fleetconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Layer.Branch;
import io.fleetconf.core.Layer.Leaf;
import io.fleetconf.core.Layer.Node;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configuration a device runs: its layers deep-merged, lowest first. Objects merge key by key;
 * arrays and scalars replace; {@code null} deletes; a replacing entry's value replaces what is below
 * it whole, {@code null}s in it kept as values. {@link #provenance()} tells, for every leaf
 * path (slash-separated, relative to {@link #tree()}), the entry it came from.
 */
public record EffectiveConfig(ObjectNode tree, SortedMap<String, Origin> provenance) {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  public EffectiveConfig {
    provenance = Collections.unmodifiableSortedMap(new TreeMap<>(provenance));
  }

  /** Merges layers given lowest precedence first. */
  public static EffectiveConfig merge(List<Layer> layers) {
    Node merged = Layer.EMPTY.root;
    for (Layer layer : layers) {
      merged = overlay(merged, layer.root);
    }
    SortedMap<String, Origin> provenance = new TreeMap<>();
    ObjectNode tree = JSON.objectNode();
    fill(tree, (Branch) merged, "", provenance);
    return new EffectiveConfig(tree, provenance);
  }

  private static Node overlay(Node lower, Node higher) {
    if (higher.replaces() || !(lower instanceof Branch low) || !(higher instanceof Branch high)) {
      return higher;
    }
    // Key order as Ansible (Python) gives it: an object naming every key of the one below (with
    // null tombstones for those it drops) replaces it and keeps its own order; otherwise, as
    // dict.update, the lower keys keep their places and new ones come after.
    boolean replaces = high.children().keySet().containsAll(low.children().keySet());
    Map<String, Node> children = new LinkedHashMap<>(replaces ? Map.of() : low.children());
    high.children().forEach((name, node) -> {
      Node below = low.children().get(name);
      children.put(name, below == null ? node : overlay(below, node));
    });
    return new Branch(children, high.origin(), false);
  }

  private static void fill(ObjectNode into, Branch branch, String prefix, Map<String, Origin> provenance) {
    branch.children().forEach((name, node) -> {
      String path = prefix + name;
      switch (node) {
        case Leaf leaf when leaf.tombstone() -> { }
        case Leaf leaf -> {
          into.set(name, leaf.value());
          provenance.put(path, leaf.origin());
        }
        case Branch child -> {
          ObjectNode object = into.putObject(name);
          if (child.children().isEmpty() && child.origin() != null) {
            provenance.put(path, child.origin());
          }
          fill(object, child, path + "/", provenance);
        }
      }
    });
  }

  /** The part of this config under one namespace (empty if absent or not an object). */
  public EffectiveConfig namespace(String namespace) {
    JsonNode sub = tree.get(namespace);
    ObjectNode subtree = sub instanceof ObjectNode object ? object : JSON.objectNode();
    String prefix = namespace + "/";
    SortedMap<String, Origin> origins = new TreeMap<>();
    provenance.subMap(prefix, prefix + Character.MAX_VALUE)
        .forEach((path, origin) -> origins.put(path.substring(prefix.length()), origin));
    return new EffectiveConfig(subtree, origins);
  }

  /** Every leaf as {@code path → value}, for diffs. Empty objects appear as {@code {}} leaves. */
  public SortedMap<String, JsonNode> leaves() {
    SortedMap<String, JsonNode> out = new TreeMap<>();
    collect(tree, "", out);
    return out;
  }

  private static void collect(JsonNode node, String prefix, Map<String, JsonNode> out) {
    if (node.isObject() && !node.isEmpty()) {
      node.properties().forEach(f -> collect(f.getValue(), prefix + f.getKey() + "/", out));
    } else if (!prefix.isEmpty()) {
      out.put(prefix.substring(0, prefix.length() - 1), node);
    }
  }

  /** The paths of the leaves whose value came from an entry {@code keys} accepts, e.g. the secret ones. */
  public java.util.List<String> pathsFrom(java.util.function.Predicate<Key> keys) {
    return provenance.entrySet().stream().filter(e -> keys.test(e.getValue().key())).map(Map.Entry::getKey).toList();
  }

  /** This config with the leaves at {@code paths} replaced by {@code mask}; provenance unchanged. */
  public EffectiveConfig masked(java.util.Collection<String> paths, JsonNode mask) {
    if (paths.isEmpty()) {
      return this;
    }
    ObjectNode copy = tree.deepCopy();
    for (String path : paths) {
      String[] parts = path.split("/");
      JsonNode node = copy;
      for (int i = 0; i < parts.length - 1 && node != null; i++) {
        node = node.get(parts[i]);
      }
      if (node instanceof ObjectNode parent && parent.has(parts[parts.length - 1])) {
        parent.set(parts[parts.length - 1], mask);
      }
    }
    return new EffectiveConfig(copy, provenance);
  }
}
