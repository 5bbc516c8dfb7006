package io.fleetconf.server.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads JSON objects as Consul's Go decoding does ({@code encoding/json}): a field name matches a
 * member case-insensitively ({@code "kv"}, {@code "verb"} and {@code "KV"}, {@code "Verb"} are the
 * same), and of several members that match, the last one wins, since each overwrites the field.
 */
final class GoJson {
  private GoJson() {}

  /** The member of {@code object} that Go would decode into the field {@code name}; missing if none. */
  static JsonNode field(JsonNode object, String name) {
    JsonNode found = MissingNode.getInstance();
    for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> member = members.next();
      // equalsIgnoreCase folds as Go's simple folding does here, e.g. the Kelvin sign matches 'k'.
      if (member.getKey().equalsIgnoreCase(name)) {
        found = member.getValue();
      }
    }
    return found;
  }
}
