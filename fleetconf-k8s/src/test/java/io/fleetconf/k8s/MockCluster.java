package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.TimeUnit;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's Kubernetes API mock server in CRUD mode (create, get, list, update, patch, delete and
 * watch over real HTTP, objects kept in memory), one per test, and a client for it.
 */
final class MockCluster implements BeforeEachCallback, AfterEachCallback {
  static final String NAMESPACE = "edge";
  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;
  private KubernetesClient syncClient;
  /** Who sent a request: the sync's client says so in its user agent, the test's own does not. */
  static final String SYNC_AGENT = "fleetconf-k8s-sync-test";

  @Override
  public void beforeEach(ExtensionContext context) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    syncClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withUserAgent(SYNC_AGENT).build()).build();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    syncClient.close();
    client.close();
    server.destroy();
  }

  /** The test's own client: what a person with kubectl does. */
  NamespacedKubernetesClient client() {
    return client;
  }

  /** The client the sync gets: its requests are told apart by {@link #SYNC_AGENT}. */
  KubernetesClient syncClient() {
    return syncClient;
  }

  /** A client for the sync that reaches the API server at {@code url} (through a {@link Proxy}). */
  KubernetesClient syncClientAt(String url) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration()).withMasterUrl(url)
        .withUserAgent(SYNC_AGENT).withRequestRetryBackoffLimit(0).build()).build();
  }

  /** Where the mock API server listens. */
  java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress(server.getHostName(), server.getPort());
  }

  /** What the sync asked of the API server so far, as RBAC sees it: "resource verb" ({@code configmaps watch}). */
  java.util.Set<String> syncRequests() throws InterruptedException {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS); r != null; r = server.takeRequest(0, TimeUnit.SECONDS)) {
      if (SYNC_AGENT.equals(r.getHeader("User-Agent"))) {
        out.add(rbac(r.getMethod(), r.getPath()));
      }
    }
    return out;
  }

  /** {@code GET /apis/apps/v1/namespaces/edge/deployments?watch=true} is "deployments watch", and so on. */
  private static String rbac(String method, String path) {
    String[] parts = path.split("\\?", 2);
    String query = parts.length > 1 ? parts[1] : "";
    String[] segments = parts[0].split("/");
    int at = java.util.Arrays.asList(segments).indexOf("namespaces");
    // Namespaced: .../namespaces/<ns>/<resource>; cluster-wide: /api/v1/<resource> or /apis/<group>/<v>/<resource>.
    int index = at >= 0 ? at + 2 : segments[1].equals("api") ? 3 : 4;
    String resource = segments[index];
    boolean named = segments.length > index + 1;
    String verb = switch (method) {
      case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method;
    };
    return resource + " " + verb;
  }

  /** A pod spec with one container, to which {@code spec} adds what the workload references. */
  static PodSpec pod(java.util.function.UnaryOperator<io.fabric8.kubernetes.api.model.PodSpecBuilder> spec) {
    return spec.apply(new io.fabric8.kubernetes.api.model.PodSpecBuilder()).build();
  }

  void deployment(String name, PodSpec pod, Map<String, String> annotations) {
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(pod).endTemplate()
        .endSpec().build()).create();
  }

  void statefulSet(String name, PodSpec pod) {
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(new StatefulSetBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(pod).endTemplate()
        .endSpec().build()).create();
  }

  void daemonSet(String name, PodSpec pod) {
    client.apps().daemonSets().inNamespace(NAMESPACE).resource(new DaemonSetBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(pod).endTemplate()
        .endSpec().build()).create();
  }

  /** The pod-template annotations of every workload, by "Kind name". */
  Map<String, Map<String, String>> podAnnotations() {
    Map<String, Map<String, String>> out = new java.util.TreeMap<>();
    client.apps().deployments().inNamespace(NAMESPACE).list().getItems()
        .forEach(d -> out.put("Deployment " + d.getMetadata().getName(), annotations(d.getSpec().getTemplate().getMetadata())));
    client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems()
        .forEach(d -> out.put("StatefulSet " + d.getMetadata().getName(), annotations(d.getSpec().getTemplate().getMetadata())));
    client.apps().daemonSets().inNamespace(NAMESPACE).list().getItems()
        .forEach(d -> out.put("DaemonSet " + d.getMetadata().getName(), annotations(d.getSpec().getTemplate().getMetadata())));
    return out;
  }

  private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
    return meta == null || meta.getAnnotations() == null ? Map.of() : new java.util.TreeMap<>(meta.getAnnotations());
  }

  Optional<io.fabric8.kubernetes.api.model.ConfigMap> configMap(String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(NAMESPACE).withName(name).get());
  }

  Optional<io.fabric8.kubernetes.api.model.Secret> secret(String name) {
    return Optional.ofNullable(client.secrets().inNamespace(NAMESPACE).withName(name).get());
  }

  static String annotation(HasMetadata object, String key) {
    return object.getMetadata().getAnnotations() == null ? null : object.getMetadata().getAnnotations().get(key);
  }
}
