package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Rolls the workloads that use an object: a Deployment, StatefulSet or DaemonSet whose pod template
 * references it (volume, projected volume, envFrom, env valueFrom) or whose annotation
 * {@code fleetconf.io/follow} names it gets the object's hash as a pod-template annotation
 * ({@code fleetconf.io/config-hash-<name>}, {@code fleetconf.io/secret-hash-<name>}), so Kubernetes
 * rolls its pods. The annotation is compared first: content that did not change rolls nothing, and
 * a restart of the sync (or of fleetconf) rolls nothing twice.
 */
final class Rollouts {
  static final String FOLLOW = "fleetconf.io/follow";
  private static final String PREFIX = "fleetconf.io/";
  /** An annotation key's name part is at most 63 characters. */
  private static final int NAME_LIMIT = 63;

  private final KubernetesClient kube;
  private final String namespace;

  Rollouts(KubernetesClient kube, String namespace) {
    this.kube = kube;
    this.namespace = namespace;
  }

  /** Sets the hashes of {@code objects} on the workloads that use them; returns the workloads it patched. */
  List<String> roll(Map<Wanted.Ref, String> objects) {
    List<String> rolled = new ArrayList<>();
    for (Deployment d : kube.apps().deployments().inNamespace(namespace).list().getItems()) {
      patch(d, d.getSpec().getTemplate(), objects, rolled, wanted -> kube.apps().deployments().inNamespace(namespace)
          .withName(d.getMetadata().getName()).edit(x -> annotate(x, x.getSpec().getTemplate(), wanted)));
    }
    for (StatefulSet s : kube.apps().statefulSets().inNamespace(namespace).list().getItems()) {
      patch(s, s.getSpec().getTemplate(), objects, rolled, wanted -> kube.apps().statefulSets().inNamespace(namespace)
          .withName(s.getMetadata().getName()).edit(x -> annotate(x, x.getSpec().getTemplate(), wanted)));
    }
    for (DaemonSet d : kube.apps().daemonSets().inNamespace(namespace).list().getItems()) {
      patch(d, d.getSpec().getTemplate(), objects, rolled, wanted -> kube.apps().daemonSets().inNamespace(namespace)
          .withName(d.getMetadata().getName()).edit(x -> annotate(x, x.getSpec().getTemplate(), wanted)));
    }
    return rolled;
  }

  private static void patch(HasMetadata workload, PodTemplateSpec template, Map<Wanted.Ref, String> objects,
      List<String> rolled, java.util.function.Consumer<Map<String, String>> edit) {
    Set<Wanted.Ref> used = references(workload, template.getSpec());
    Map<String, String> wanted = new LinkedHashMap<>();
    objects.forEach((ref, hash) -> {
      if (used.contains(ref)) {
        wanted.put(annotationKey(ref), hash);
      }
    });
    Map<String, String> present = Optional.ofNullable(template.getMetadata())
        .map(io.fabric8.kubernetes.api.model.ObjectMeta::getAnnotations).orElse(Map.of());
    if (wanted.isEmpty() || wanted.entrySet().stream().allMatch(e -> e.getValue().equals(present.get(e.getKey())))) {
      return;
    }
    edit.accept(wanted);
    rolled.add(workload.getKind() + " " + workload.getMetadata().getName());
  }

  private static <T extends HasMetadata> T annotate(T workload, PodTemplateSpec template, Map<String, String> wanted) {
    if (template.getMetadata() == null) {
      template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    Map<String, String> annotations = new LinkedHashMap<>(Optional.ofNullable(template.getMetadata().getAnnotations())
        .orElse(Map.of()));
    annotations.putAll(wanted);
    template.getMetadata().setAnnotations(annotations);
    return workload;
  }

  /** The pod-template annotation for an object: its kind's prefix and its name (hashed when too long). */
  static String annotationKey(Wanted.Ref ref) {
    String name = ref.kind().annotationPrefix + ref.name();
    if (name.length() > NAME_LIMIT) {
      name = ref.kind().annotationPrefix + Wanted.sha256(ref.name()).substring(0, 40);
    }
    return PREFIX + name;
  }

  /** The ConfigMaps and Secrets a workload uses. */
  static Set<Wanted.Ref> references(HasMetadata workload, PodSpec pod) {
    Set<Wanted.Ref> refs = new HashSet<>();
    Map<String, String> annotations = Optional.ofNullable(workload.getMetadata().getAnnotations()).orElse(Map.of());
    Optional.ofNullable(annotations.get(FOLLOW)).ifPresent(names -> Stream.of(names.split(",")).map(String::strip)
        .filter(n -> !n.isEmpty()).forEach(n -> {
          refs.add(new Wanted.Ref(Wanted.Kind.CONFIG_MAP, n));
          refs.add(new Wanted.Ref(Wanted.Kind.SECRET, n));
        }));
    if (pod == null) {
      return refs;
    }
    for (Volume volume : list(pod.getVolumes())) {
      add(refs, Wanted.Kind.CONFIG_MAP, volume.getConfigMap(), c -> c.getName());
      add(refs, Wanted.Kind.SECRET, volume.getSecret(), s -> s.getSecretName());
      if (volume.getProjected() != null) {
        for (VolumeProjection source : list(volume.getProjected().getSources())) {
          add(refs, Wanted.Kind.CONFIG_MAP, source.getConfigMap(), c -> c.getName());
          add(refs, Wanted.Kind.SECRET, source.getSecret(), s -> s.getName());
        }
      }
    }
    for (Container container : Stream.concat(list(pod.getContainers()).stream(), list(pod.getInitContainers()).stream())
        .toList()) {
      for (EnvFromSource from : list(container.getEnvFrom())) {
        add(refs, Wanted.Kind.CONFIG_MAP, from.getConfigMapRef(), c -> c.getName());
        add(refs, Wanted.Kind.SECRET, from.getSecretRef(), s -> s.getName());
      }
      for (EnvVar env : list(container.getEnv())) {
        if (env.getValueFrom() != null) {
          add(refs, Wanted.Kind.CONFIG_MAP, env.getValueFrom().getConfigMapKeyRef(), c -> c.getName());
          add(refs, Wanted.Kind.SECRET, env.getValueFrom().getSecretKeyRef(), s -> s.getName());
        }
      }
    }
    return refs;
  }

  private static <T> void add(Set<Wanted.Ref> refs, Wanted.Kind kind, T source, Function<T, String> name) {
    if (source != null && name.apply(source) != null) {
      refs.add(new Wanted.Ref(kind, name.apply(source)));
    }
  }

  private static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : items;
  }
}
