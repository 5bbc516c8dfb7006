package io.fleetconf.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-shot manifests for {@code kubectl apply -f -}: the ConfigMap or the Secret the sync would make
 * of one namespace of a device, one data key per config key, with the sync's labels and annotations
 * ({@code fleetconf config show --format configmap|secret}).
 */
public final class Manifests {
  private Manifests() {}

  /** Which of the two objects to print. */
  public enum Kind { CONFIG_MAP, SECRET }

  /**
   * The manifest (YAML) of {@code kind} for {@code namespace} of {@code device}, named
   * {@code <device>-<namespace>} in lower case with {@code _} as {@code -}; {@code config} is the
   * device's whole effective config and {@code secretPaths} its secret leaves.
   */
  public static String of(Kind kind, String device, String namespace, JsonNode config, List<String> secretPaths,
      long revision) {
    Desired.refuseMasked(namespace, false, config, secretPaths);
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    Desired.perKey(namespace, config, secretPaths, plain, secret);
    String name = (device + "-" + namespace).toLowerCase(Locale.ROOT).replace('_', '-');
    if (!SyncConfig.isObjectName(name)) {
      throw new SyncException("'" + name + "' (device-namespace) is not a Kubernetes object name (lower-case letters,"
          + " digits, - and .)");
    }
    Wanted.Kind wanted = kind == Kind.SECRET ? Wanted.Kind.SECRET : Wanted.Kind.CONFIG_MAP;
    return Desired.split(name, device, namespace, plain, secret).stream().filter(w -> w.kind() == wanted).findFirst()
        .map(w -> Serialization.asYaml(Objects.build(w, revision)))
        .orElseThrow(() -> new SyncException(kind == Kind.SECRET
            ? "namespace '" + namespace + "' of device " + device + " holds no secret entries: there is no Secret to make"
            : "namespace '" + namespace + "' of device " + device + " holds only secret entries: use --format secret"));
  }
}
