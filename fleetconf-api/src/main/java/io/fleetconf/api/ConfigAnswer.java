package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/devices/<id>/config}: a device's effective config as of a revision. The
 * server sets {@code resync} when a watch could not resume from the index asked for; {@code
 * secrets} lists the paths that hold secret values, and {@code provenance} (with {@code
 * explain=true}) where each leaf comes from. A false {@code resync}, empty {@code secrets} and
 * absent {@code provenance} are left out of the body.
 */
public record ConfigAnswer(String device, Optional<String> namespace, long revision, boolean resync, JsonNode config,
    List<String> secrets, Optional<Map<String, Origin>> provenance) {
  /** The name of the revision field, for readers that stream the body instead of reading it whole. */
  public static final String REVISION = "revision";
  /** The name of the config field, for readers that stream the body. */
  public static final String CONFIG = "config";

  public ConfigAnswer {
    secrets = List.copyOf(secrets);
  }

  /** The entry a leaf's value comes from: its scope, its key, and the revision that last wrote it. */
  public record Origin(String scope, String key, long revision) {
    ObjectNode toJson() {
      ObjectNode out = Fields.JSON.objectNode();
      out.put("scope", scope);
      out.put("key", key);
      out.put(REVISION, revision);
      return out;
    }
  }

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    out.put("device", device);
    namespace.ifPresent(ns -> out.put("namespace", ns));
    out.put(REVISION, revision);
    if (resync) {
      out.put("resync", true);
    }
    out.set(CONFIG, config);
    if (!secrets.isEmpty()) {
      ArrayNode paths = out.putArray("secrets");
      secrets.forEach(paths::add);
    }
    provenance.ifPresent(origins -> {
      ObjectNode map = out.putObject("provenance");
      origins.forEach((path, origin) -> map.set(path, origin.toJson()));
    });
    return out;
  }

  /** Reads a server's answer; the config node is kept as read (numbers with their text, if the reader kept it). */
  public static ConfigAnswer from(JsonNode body) {
    if (!(body.get(CONFIG) instanceof ObjectNode config) || !body.hasNonNull(REVISION)) {
      throw new WireException("the server's answer has no config or revision");
    }
    Optional<Map<String, Origin>> provenance = Optional.empty();
    if (body.get("provenance") instanceof ObjectNode origins) {
      Map<String, Origin> map = new LinkedHashMap<>();
      origins.properties().forEach(origin -> map.put(origin.getKey(), new Origin(origin.getValue().path("scope").asText(),
          origin.getValue().path("key").asText(), origin.getValue().path(REVISION).asLong())));
      provenance = Optional.of(map);
    }
    return new ConfigAnswer(body.path("device").asText(), Fields.nullable(body, "namespace"),
        body.get(REVISION).asLong(), body.path("resync").asBoolean(false), config, Fields.texts(body, "secrets"),
        provenance);
  }
}
