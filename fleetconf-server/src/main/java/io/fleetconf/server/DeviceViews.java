package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Revision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the watch hub remembers of one device: its effective config and, per namespace and for the
 * whole, the last revision that changed it. Guarded by the hub's lock.
 */
final class DeviceViews {
  private JsonNode config;
  private final Revision since;
  private final Map<String, Revision> namespaces = new HashMap<>();
  private Revision whole;

  DeviceViews(JsonNode config, Revision since) {
    this.config = config;
    this.since = since;
    this.whole = since;
  }

  /** Takes the config as of {@code revision}; true if anything in it changed. */
  boolean update(JsonNode next, Revision revision) {
    Set<String> names = new HashSet<>();
    config.fieldNames().forEachRemaining(names::add);
    next.fieldNames().forEachRemaining(names::add);
    boolean changed = false;
    for (String name : names) {
      if (!Objects.equals(config.get(name), next.get(name))) {
        namespaces.put(name, revision);
        changed = true;
      }
    }
    if (changed) {
      whole = revision;
    }
    config = next;
    return changed;
  }

  Revision revision(View view) {
    return ((View.DeviceConfig) view).namespace().map(ns -> namespaces.getOrDefault(ns, since)).orElse(whole);
  }
}
