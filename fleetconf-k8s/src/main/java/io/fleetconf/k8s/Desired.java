package io.fleetconf.k8s;

import io.fleetconf.agent.AgentException;
import io.fleetconf.agent.OutputRendering;
import io.fleetconf.client.Config;
import io.fleetconf.client.ConfigValue;
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
    refuseMasked(mapping, config);
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
      perKey(mapping.namespace(), config, plain, secret);
    }
    String name = mapping.objectName(device);
    List<Wanted> out = new ArrayList<>();
    // A workload may mount the ConfigMap even when every value is secret: it exists unless a Secret alone holds all.
    if (!plain.isEmpty() || secret.isEmpty()) {
      out.add(new Wanted(Wanted.Kind.CONFIG_MAP, name, device, mapping.namespace(), plain));
    }
    if (!secret.isEmpty()) {
      out.add(new Wanted(Wanted.Kind.SECRET, name, device, mapping.namespace(), secret));
    }
    return out;
  }

  private static void perKey(String namespace, Config config, Map<String, String> plain, Map<String, String> secret) {
    Object tree = config.get(namespace).map(ConfigValue::asJava).orElseThrow(() -> new SyncException("namespace '"
        + namespace + "' is not in this device's config: nothing changed (an empty object would drop every"
        + " setting the service reads)"));
    if (!(tree instanceof Map<?, ?> keys)) {
      throw new SyncException("namespace '" + namespace + "' is not an object of keys, so it has no data keys");
    }
    for (Object key : keys.keySet()) {
      String path = namespace + "/" + key;
      if (!DATA_KEY.matcher((String) key).matches()) {
        throw new SyncException("key '" + path + "' cannot be a data key (letters, digits, - _ . only): nothing changed");
      }
      config.get(path).ifPresent(value -> (isSecret(path, config) ? secret : plain).put((String) key, value.asText()));
    }
  }

  /**
   * A token that may not read secrets gets them masked: writing the mask into a Secret would
   * break the service quietly, so the mapping fails instead, naming the entry (never its value).
   */
  private static void refuseMasked(SyncConfig.Mapping mapping, Config config) {
    for (String path : config.secretPaths()) {
      boolean used = mapping.template().isPresent() || path.startsWith(mapping.namespace() + "/");
      if (used && config.get(path).map(v -> v.asJson().equals(MASK)).orElse(false)) {
        throw new SyncException("secret '" + path + "' came masked: the token may not read secrets in clear (give it"
            + " the rule 'read secrets', or use the device's own token); nothing changed");
      }
    }
  }

  /** How the server shows a secret to a token that may not read it. */
  private static final String MASK = "\"********\"";

  /** A key is secret if it is a secret entry or holds one below it. */
  private static boolean isSecret(String path, Config config) {
    return config.secretPaths().stream().anyMatch(p -> p.equals(path) || p.startsWith(path + "/"));
  }
}
