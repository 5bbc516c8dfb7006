package io.fleetconf.k8s;

import static io.fleetconf.k8s.MockCluster.NAMESPACE;
import static io.fleetconf.k8s.MockCluster.pod;
import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** fleetconf or the API server away: the cluster keeps what it has; what changed meanwhile is applied, and rolled, once. */
class K8sOutageTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final String ANNOTATION = "fleetconf.io/config-hash-vv-01-tv";
  @RegisterExtension final TestServer server = TestServer.fresh();
  @RegisterExtension final MockCluster cluster = new MockCluster();
  @TempDir Path dir;
  private SyncController controller;
  private Watch watch;

  @AfterEach
  void stop() throws Exception {
    if (watch != null) {
      watch.close();
    }
    if (controller != null) {
      controller.close();
    }
    assertThat(ManifestsTest.roleGrants()).as("the Role of deploy/k8s").containsAll(cluster.syncRequests());
  }

  private String hash() {
    return cluster.configMap("vv-01-tv").map(c -> MockCluster.annotation(c, Objects.HASH)).orElse("none");
  }

  /** Lets the sync make {@code count} more passes (the resync is every 200 ms). */
  private void passes(int count) {
    long from = controller.status().passes();
    eventually(WITHIN, "the sync made " + count + " passes", () -> controller.status().passes() >= from + count);
  }

  private static final String TV = """
      - name: "{device}-tv"
        namespace: tv_scheduler
      """;

  /**
   * Two devices, and a Deployment using vv-01's ConfigMap, watched from the start: the list holds
   * the pod-template hash at each change of the Deployment, so each entry is one roll.
   */
  private List<String> fleetAndWatchedDeployment() {
    server.post("/api/v1/devices", "{\"id\": \"vv-01\"}");
    server.post("/api/v1/devices", "{\"id\": \"vv-02\"}");
    server.put("/api/v1/entries/global/tv_scheduler/volume", "60");
    cluster.deployment("player-1", pod(p -> p.addNewVolume().withName("c").withNewConfigMap().withName("vv-01-tv")
        .endConfigMap().endVolume().addNewContainer().withName("c").withImage("player").endContainer()), Map.of());
    List<String> rolls = new CopyOnWriteArrayList<>();
    watch = cluster.client().apps().deployments().inNamespace(NAMESPACE).withName("player-1").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Deployment deployment) {
        var annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        if (action == Action.MODIFIED) {
          rolls.add(annotations == null ? "none" : String.valueOf(annotations.get(ANNOTATION)));
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
    return rolls;
  }

  /** The change to 70 reaches the ConfigMap, and the Deployment rolls once for it, and not again over 20 passes. */
  private void appliedAndRolledOnce(List<String> rolls, String before) {
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData())
        .isEqualTo(Map.of("volume", "70")));
    String after = hash();
    assertThat(after).isNotEqualTo(before);
    eventually(WITHIN, () -> assertThat(rolls).containsExactly(before, after));
    passes(20);
    assertThat(new ArrayList<>(rolls)).containsExactly(before, after);
  }

  @Test
  void withFleetconfStoppedObjectsStayAndAChangeMadeMeanwhileIsAppliedOnce() throws Exception {
    List<String> rolls = fleetAndWatchedDeployment();
    controller = Fixtures.start(server, cluster, dir, TV);
    eventually(WITHIN, () -> assertThat(rolls).containsExactly(hash()));
    String before = hash();

    server.stop();
    passes(10);
    assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData()).isEqualTo(Map.of("volume", "60"));
    // Still guarding the objects with the last config it had.
    cluster.client().configMaps().inNamespace(NAMESPACE).withName("vv-01-tv")
        .edit(c -> new ConfigMapBuilder(c).addToData("volume", "0").build());
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData())
        .isEqualTo(Map.of("volume", "60")));
    passes(10);
    assertThat(rolls).containsExactly(before);

    server.startAgainOnSamePort();
    server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
    appliedAndRolledOnce(rolls, before);
  }

  @Test
  void withTheApiServerAwayAChangeMadeMeanwhileIsAppliedAndRolledOnceWhenItReturns() throws Exception {
    List<String> rolls = fleetAndWatchedDeployment();
    try (Proxy apiServer = new Proxy(cluster.address()).start();
        var kube = cluster.syncClientAt(apiServer.url())) {
      controller = Fixtures.start(server, kube, dir, TV, server.token());
      eventually(WITHIN, () -> assertThat(rolls).containsExactly(hash()));
      String before = hash();

      apiServer.stop();
      server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
      passes(10);
      assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData()).isEqualTo(Map.of("volume", "60"));
      assertThat(rolls).containsExactly(before);

      apiServer.start();
      appliedAndRolledOnce(rolls, before);
      controller.close();
    }
  }
}
