package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Revision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the watch hub remembers of one device: its effective config and, per namespace and for the
 * whole, the last revision that changed it. Guarded by the hub's lock.
 */
final class DeviceRevisions {
  private JsonNode config;
  private final Revision since;
  private final Map<String, Revision> namespaces = new HashMap<>();
  private Revision whole;

  DeviceRevisions(JsonNode config, Revision since) {
    this.config = config;
    this.since = since;
    this.whole = since;
  }

  /**
   * Takes the config as of {@code revision}; true if anything in it changed. {@code changedNamespaces}
   * compares each pair of configs once for all the devices that share them.
   */
  boolean update(JsonNode next, Revision revision, ChangedNamespaces changedNamespaces) {
    Set<String> changed = changedNamespaces.between(config, next);
    changed.forEach(name -> namespaces.put(name, revision));
    if (!changed.isEmpty()) {
      whole = revision;
    }
    config = next;
    return !changed.isEmpty();
  }

  /**
   * The namespaces that differ between two configs, by the identity of the two trees: devices of
   * one group list share their trees, so a fan-out to 10,000 of them compares a few dozen pairs.
   * For one change set's fan-out; not thread-safe.
   */
  static final class ChangedNamespaces {
    private final Map<JsonNode, Map<JsonNode, Set<String>>> byPair = new IdentityHashMap<>();

    Set<String> between(JsonNode before, JsonNode after) {
      return byPair.computeIfAbsent(before, b -> new IdentityHashMap<>())
          .computeIfAbsent(after, a -> changed(before, after));
    }

    private static Set<String> changed(JsonNode before, JsonNode after) {
      if (before == after) {
        return Set.of();
      }
      Set<String> names = new HashSet<>();
      before.fieldNames().forEachRemaining(names::add);
      after.fieldNames().forEachRemaining(names::add);
      names.removeIf(name -> Objects.equals(before.get(name), after.get(name)));
      return Set.copyOf(names);
    }
  }

  Revision revision(View view) {
    return ((View.DeviceConfig) view).namespace().map(ns -> namespaces.getOrDefault(ns, since)).orElse(whole);
  }
}
