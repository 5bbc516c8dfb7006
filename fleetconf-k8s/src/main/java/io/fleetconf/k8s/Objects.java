package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sync's ConfigMaps and Secrets in one Kubernetes namespace: creates, updates only when the
 * bytes differ, and prunes only objects labelled as fleetconf's; an object of the same name that
 * is not fleetconf's is never touched.
 */
final class Objects {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String FLEETCONF = "fleetconf";
  static final String DEVICE = "fleetconf.io/device";
  static final String NAMESPACE = "fleetconf.io/namespace";
  static final String REVISION = "fleetconf.io/revision";
  static final String HASH = "fleetconf.io/content-hash";

  /** What applying one object did. */
  enum Outcome { CREATED, UPDATED, UNCHANGED, NOT_OURS }

  private final KubernetesClient kube;
  private final String namespace;

  Objects(KubernetesClient kube, String namespace) {
    this.kube = kube;
    this.namespace = namespace;
  }

  Outcome apply(Wanted wanted, long revision) {
    Optional<HasMetadata> existing = get(wanted.ref());
    HasMetadata object = build(wanted, revision);
    if (existing.isEmpty()) {
      kube.resource(object).inNamespace(namespace).create();
      return Outcome.CREATED;
    }
    HasMetadata current = existing.get();
    if (!owned(current)) {
      return Outcome.NOT_OURS;
    }
    if (data(current).equals(wanted.data()) && labels(wanted).equals(current.getMetadata().getLabels())
        && wanted.hash().equals(annotation(current, HASH))) {
      return Outcome.UNCHANGED;
    }
    object.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    kube.resource(object).inNamespace(namespace).update();
    return Outcome.UPDATED;
  }

  /** Deletes the device's objects that are fleetconf's and not in {@code keep}; returns what it deleted. */
  List<Wanted.Ref> prune(String device, Set<Wanted.Ref> keep) {
    List<Wanted.Ref> pruned = new ArrayList<>();
    for (HasMetadata object : owned(device)) {
      Wanted.Ref ref = new Wanted.Ref(kind(object), object.getMetadata().getName());
      if (!keep.contains(ref)) {
        kube.resource(object).inNamespace(namespace).delete();
        pruned.add(ref);
      }
    }
    return pruned;
  }

  private List<HasMetadata> owned(String device) {
    List<HasMetadata> out = new ArrayList<>();
    out.addAll(kube.configMaps().inNamespace(namespace).withLabel(MANAGED_BY, FLEETCONF).withLabel(DEVICE, device)
        .list().getItems());
    out.addAll(kube.secrets().inNamespace(namespace).withLabel(MANAGED_BY, FLEETCONF).withLabel(DEVICE, device)
        .list().getItems());
    return out;
  }

  Optional<HasMetadata> get(Wanted.Ref ref) {
    return Optional.ofNullable(switch (ref.kind()) {
      case CONFIG_MAP -> kube.configMaps().inNamespace(namespace).withName(ref.name()).get();
      case SECRET -> kube.secrets().inNamespace(namespace).withName(ref.name()).get();
    });
  }

  static boolean owned(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && FLEETCONF.equals(labels.get(MANAGED_BY));
  }

  private static Wanted.Kind kind(HasMetadata object) {
    return object instanceof Secret ? Wanted.Kind.SECRET : Wanted.Kind.CONFIG_MAP;
  }

  private static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** An object's data as text: a Secret's decoded from base64. */
  static Map<String, String> data(HasMetadata object) {
    Map<String, String> data = object instanceof Secret secret ? decoded(secret.getData())
        : ((ConfigMap) object).getData();
    return data == null ? Map.of() : new java.util.TreeMap<>(data);
  }

  private static Map<String, String> decoded(Map<String, String> base64) {
    if (base64 == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    base64.forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  private static Map<String, String> labels(Wanted wanted) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, FLEETCONF);
    labels.put(DEVICE, wanted.device());
    labels.put(NAMESPACE, wanted.fleetNamespace());
    return labels;
  }

  static HasMetadata build(Wanted wanted, long revision) {
    ObjectMeta meta = new ObjectMetaBuilder().withName(wanted.name()).withNamespace(null).withLabels(labels(wanted))
        .addToAnnotations(REVISION, Long.toString(revision)).addToAnnotations(HASH, wanted.hash()).build();
    return switch (wanted.kind()) {
      case CONFIG_MAP -> new ConfigMapBuilder().withMetadata(meta).withData(wanted.data()).build();
      case SECRET -> {
        Map<String, String> encoded = new LinkedHashMap<>();
        wanted.data().forEach((k, v) -> encoded.put(k,
            Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        yield new SecretBuilder().withMetadata(meta).withType("Opaque").withData(encoded).build();
      }
    };
  }
}
