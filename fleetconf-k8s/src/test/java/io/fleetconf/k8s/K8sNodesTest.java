package io.fleetconf.k8s;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Devices taken from the cluster's Nodes: a node labelled with a device id gets that device's objects. */
class K8sNodesTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final String LABEL = "fleetconf.io/device";
  @RegisterExtension final TestServer server = TestServer.fresh();
  @RegisterExtension final MockCluster cluster = new MockCluster();
  @TempDir Path dir;
  private SyncController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void aLabelledNodeGetsItsDevicesObjectsAndANodeThatLosesTheLabelOrGoesIsNoLongerSynced() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-01\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-02\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/tv_api/url", "\"http://one\"");
    Path file = Files.writeString(dir.resolve("sync.yaml"), "server: " + server.uri() + "\n"
        + "token: " + server.token() + "\n"
        + "node_label: " + LABEL + "\n"
        + "kubernetes_namespace: " + MockCluster.NAMESPACE + "\n"
        + "resync: 200ms\n"
        + "objects:\n  - name: \"{device}-api\"\n    namespace: tv_api\n");
    controller = SyncController.start(SyncConfig.load(file), cluster.syncClient());

    node("edge-1", Map.of(LABEL, "vv-01"));
    node("edge-2", Map.of("kubernetes.io/os", "linux"));
    eventually(WITHIN, () -> assertThat(url("vv-01-api")).isEqualTo("http://one"));
    node("edge-2", Map.of(LABEL, "vv-02"));
    eventually(WITHIN, () -> assertThat(url("vv-02-api")).isEqualTo("http://one"));

    // edge-1 loses its label and edge-2 goes: their objects stay as they were, no longer synced.
    node("edge-1", Map.of());
    cluster.client().nodes().withName("edge-2").delete();
    node("edge-3", Map.of(LABEL, "vv-03-unregistered"));
    eventually(WITHIN, () -> assertThat(controller.following()).containsExactly("vv-03-unregistered"));
    server.put("/api/v1/entries/global/tv_api/url", "\"http://two\"");
    node("edge-4", Map.of(LABEL, "vv-01"));
    eventually(WITHIN, () -> assertThat(url("vv-01-api")).isEqualTo("http://two"));
    assertThat(url("vv-02-api")).isEqualTo("http://one");
    assertThat(cluster.configMap("vv-03-unregistered-api")).isEmpty();
    // Nodes are read with list and watch only, exactly what the ClusterRole of deploy/k8s/per-node grants.
    assertThat(cluster.syncRequests()).filteredOn(r -> r.startsWith("nodes "))
        .containsExactlyInAnyOrderElementsOf(ManifestsTest.clusterRoleGrants());
  }

  private void node(String name, Map<String, String> labels) {
    Node existing = cluster.client().nodes().withName(name).get();
    if (existing == null) {
      cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
          .endMetadata().build()).create();
      return;
    }
    existing.getMetadata().setLabels(labels); // a whole update (PUT), as kubectl label --overwrite ends up
    cluster.client().nodes().resource(existing).update();
  }

  private String url(String configMap) {
    return cluster.configMap(configMap).map(c -> c.getData().get("url")).orElse(null);
  }
}
