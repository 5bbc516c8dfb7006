package io.fleetconf.k8s;

import io.fleetconf.agent.AgentException;
import io.fleetconf.agent.OutputRendering;
import io.fleetconf.client.Config;
import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.format.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one mapping makes of a device's config: a ConfigMap of the plain values and a Secret of the
 * secret ones. A secret value goes only into the Secret; a whole file that holds one (as the agent
 * decides it for a file's mode) goes whole into the Secret.
 */
final class Desired {
  private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private Desired() {}

  /** The objects for {@code mapping} of {@code device}; a {@link SyncException} says why there are none. */
  static List<Wanted> objects(SyncConfig.Mapping mapping, String device, Config config, OutputRendering rendering) {
    JsonNode tree = Json.read(config.asJson());
    refuseMasked(mapping.namespace(), mapping.template().isPresent(), tree, config.secretPaths());
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    if (mapping.wholeFile()) {
      String key = mapping.key().orElseThrow();
      String text;
      try {
        text = new String(rendering.render(mapping.output(), config), StandardCharsets.UTF_8);
      } catch (AgentException e) {
        throw new SyncException(e.getMessage());
      }
      (OutputRendering.holdsSecrets(mapping.output(), config) ? secret : plain).put(key, text);
    } else {
      perKey(mapping.namespace(), tree, config.secretPaths(), plain, secret);
    }
    return split(mapping.objectName(device), device, mapping.namespace(), plain, secret);
  }

  /** The ConfigMap of {@code plain} and the Secret of {@code secret} named {@code name}. */
  static List<Wanted> split(String name, String device, String namespace, Map<String, String> plain,
      Map<String, String> secret) {
    List<Wanted> out = new ArrayList<>();
    // A workload may mount the ConfigMap even when every value is secret: it exists unless a Secret alone holds all.
    if (!plain.isEmpty() || secret.isEmpty()) {
      out.add(new Wanted(Wanted.Kind.CONFIG_MAP, name, device, namespace, plain));
    }
    if (!secret.isEmpty()) {
      out.add(new Wanted(Wanted.Kind.SECRET, name, device, namespace, secret));
    }
    return out;
  }

  /** Splits a namespace of {@code tree} (the device's whole config) into plain and secret data keys. */
  static void perKey(String namespace, JsonNode tree, List<String> secretPaths, Map<String, String> plain,
      Map<String, String> secret) {
    JsonNode keys = tree.path(namespace);
    if (keys.isMissingNode() || keys.isNull()) {
      throw new SyncException("namespace '" + namespace + "' is not in this device's config: nothing changed (an"
          + " empty object would drop every setting the service reads)");
    }
    if (!keys.isObject()) {
      throw new SyncException("namespace '" + namespace + "' is not an object of keys, so it has no data keys");
    }
    for (Map.Entry<String, JsonNode> field : keys.properties()) {
      String path = namespace + "/" + field.getKey();
      if (!DATA_KEY.matcher(field.getKey()).matches()) {
        throw new SyncException("key '" + path + "' cannot be a data key (letters, digits, - _ . only): nothing changed");
      }
      JsonNode value = field.getValue();
      if (!value.isNull()) {
        boolean isSecret = secretPaths.stream().anyMatch(p -> p.equals(path) || p.startsWith(path + "/"));
        (isSecret ? secret : plain).put(field.getKey(), value.isValueNode() ? value.asText() : Json.write(value));
      }
    }
  }

  /**
   * A token that may not read secrets gets them masked: writing the mask into a Secret would
   * break the service quietly, so the mapping fails instead, naming the entry (never its value).
   */
  static void refuseMasked(String namespace, boolean template, JsonNode tree, List<String> secretPaths) {
    for (String path : secretPaths) {
      boolean used = template || path.startsWith(namespace + "/");
      if (used && MASK.equals(tree.at("/" + path.replace("~", "~0")))) {
        throw new SyncException("secret '" + path + "' came masked: the token may not read secrets in clear (give it"
            + " the rule 'read secrets', or use the device's own token); nothing changed");
      }
    }
  }

  /** How the server shows a secret to a token that may not read it. */
  private static final JsonNode MASK = com.fasterxml.jackson.databind.node.TextNode.valueOf("********");
}
