package io.fleetconf.k8s;

import static io.fleetconf.k8s.MockCluster.NAMESPACE;
import static io.fleetconf.k8s.MockCluster.pod;
import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sync against a real fleetconf server and fabric8's mock API server in CRUD mode: issue 18's "Done means". */
class K8sSyncTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  @RegisterExtension final TestServer server = TestServer.fresh();
  @RegisterExtension final MockCluster cluster = new MockCluster();
  @TempDir Path dir;
  private SyncController controller;

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"vv-01\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-02\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_scheduler/volume", "60");
    server.put("/api/v1/entries/global/tv_scheduler/channel", "\"news\"");
    server.put("/api/v1/entries/global/weather/city", "\"Lisbon\"");
    server.put("/api/v1/entries/global/unsynced/x", "1");
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    assertThat(ManifestsTest.roleGrants()).as("the Role of deploy/k8s").containsAll(cluster.syncRequests());
  }

  private SyncController start(String objects) throws Exception {
    controller = Fixtures.start(server, cluster, dir, objects);
    return controller;
  }

  private static final String TV_AND_WEATHER = """
      - name: "{device}-tv"
        namespace: tv_scheduler
      - name: "{device}-weather"
        namespace: weather
        data: file
        key: config.yaml
        format: yaml
      """;

  private String hash(String configMap) {
    return cluster.configMap(configMap).map(c -> MockCluster.annotation(c, Objects.HASH)).orElse("none");
  }

  private JsonNode status(String device) {
    return Fixtures.status(server, device);
  }

  @Test
  void globalChangeUpdatesEveryDevicesConfigMapAndRollsExactlyTheWorkloadsThatUseIt() throws Exception {
    cluster.deployment("player-1", pod(p -> p.addNewVolume().withName("c").withNewConfigMap().withName("vv-01-tv")
        .endConfigMap().endVolume().addNewContainer().withName("c").withImage("player").endContainer()), Map.of());
    cluster.deployment("player-2", pod(p -> p.addNewContainer().withName("c").withImage("player").addNewEnvFrom()
        .withNewConfigMapRef().withName("vv-02-tv").endConfigMapRef().endEnvFrom().endContainer()), Map.of());
    cluster.deployment("forecast", pod(p -> p.addNewContainer().withName("c").withImage("forecast").addNewEnv()
        .withName("CITY").withNewValueFrom().withNewConfigMapKeyRef().withName("vv-01-weather").withKey("config.yaml")
        .endConfigMapKeyRef().endValueFrom().endEnv().endContainer()), Map.of());
    cluster.deployment("follower", pod(p -> p.addNewContainer().withName("c").withImage("x").endContainer()),
        Map.of(Rollouts.FOLLOW, "vv-01-tv"));
    cluster.deployment("unrelated", pod(p -> p.addNewContainer().withName("c").withImage("x").endContainer()), Map.of());
    cluster.statefulSet("recorder", pod(p -> p.addNewVolume().withName("c").withNewProjected().addNewSource()
        .withNewConfigMap().withName("vv-02-tv").endConfigMap().endSource().endProjected().endVolume()
        .addNewContainer().withName("c").withImage("rec").endContainer()));
    cluster.daemonSet("probe", pod(p -> p.addNewVolume().withName("c").withNewConfigMap().withName("vv-02-weather")
        .endConfigMap().endVolume().addNewContainer().withName("c").withImage("probe").endContainer()));
    start(TV_AND_WEATHER);

    eventually(WITHIN, () -> assertThat(cluster.podAnnotations().get("Deployment player-1"))
        .containsEntry("fleetconf.io/config-hash-vv-01-tv", hash("vv-01-tv")));
    eventually(WITHIN, () -> assertThat(cluster.podAnnotations().get("DaemonSet probe"))
        .containsEntry("fleetconf.io/config-hash-vv-02-weather", hash("vv-02-weather")));
    assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData()).isEqualTo(Map.of("volume", "60", "channel", "news"));
    assertThat(cluster.configMap("vv-02-weather").orElseThrow().getData()).isEqualTo(Map.of("config.yaml", "city: Lisbon\n"));
    ConfigMap made = cluster.configMap("vv-01-tv").orElseThrow();
    assertThat(made.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "fleetconf")
        .containsEntry("fleetconf.io/device", "vv-01").containsEntry("fleetconf.io/namespace", "tv_scheduler");
    assertThat(MockCluster.annotation(made, Objects.REVISION)).isEqualTo(Long.toString(server.revision()));
    assertThat(MockCluster.annotation(made, Objects.HASH)).matches("[0-9a-f]{64}");
    eventually(WITHIN, () -> assertThat(cluster.podAnnotations().get("Deployment unrelated")).isEmpty());
    Map<String, Map<String, String>> before = cluster.podAnnotations();
    assertThat(before.get("Deployment follower")).containsEntry("fleetconf.io/config-hash-vv-01-tv", hash("vv-01-tv"));
    assertThat(before.get("StatefulSet recorder")).containsEntry("fleetconf.io/config-hash-vv-02-tv", hash("vv-02-tv"));

    long changed = System.nanoTime();
    server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
    eventually(Duration.ofSeconds(1), () -> {
      assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData()).containsEntry("volume", "70");
      assertThat(cluster.configMap("vv-02-tv").orElseThrow().getData()).containsEntry("volume", "70");
    });
    System.out.println("global change to both ConfigMaps: " + (System.nanoTime() - changed) / 1_000_000 + " ms");
    eventually(WITHIN, () -> {
      Map<String, Map<String, String>> after = cluster.podAnnotations();
      assertThat(after.get("Deployment player-1")).isEqualTo(Map.of("fleetconf.io/config-hash-vv-01-tv", hash("vv-01-tv")));
      assertThat(after.get("Deployment follower")).isEqualTo(Map.of("fleetconf.io/config-hash-vv-01-tv", hash("vv-01-tv")));
      assertThat(after.get("Deployment player-2")).isEqualTo(Map.of("fleetconf.io/config-hash-vv-02-tv", hash("vv-02-tv")));
      assertThat(after.get("StatefulSet recorder")).isEqualTo(Map.of("fleetconf.io/config-hash-vv-02-tv", hash("vv-02-tv")));
    });
    Map<String, Map<String, String>> after = cluster.podAnnotations();
    assertThat(after.get("Deployment player-1")).isNotEqualTo(before.get("Deployment player-1"));
    assertThat(after.get("Deployment forecast")).isEqualTo(before.get("Deployment forecast"));
    assertThat(after.get("DaemonSet probe")).isEqualTo(before.get("DaemonSet probe"));
    assertThat(after.get("Deployment unrelated")).isEmpty();

    // A namespace no mapping syncs: every device sees a new revision, nothing in the cluster moves.
    Map<String, String> versions = resourceVersions();
    server.put("/api/v1/entries/global/unsynced/x", "2");
    long unsynced = server.revision();
    eventually(WITHIN, () -> assertThat(Fixtures.namespace(server, "vv-02", "tv_scheduler").get("revision").asLong())
        .isEqualTo(unsynced));
    eventually(WITHIN, () -> assertThat(Fixtures.namespace(server, "vv-01", "weather").get("revision").asLong())
        .isEqualTo(unsynced));
    assertThat(resourceVersions()).isEqualTo(versions);
    assertThat(cluster.podAnnotations()).isEqualTo(after);

    JsonNode vv01 = status("vv-01");
    assertThat(vv01.get("status").asText()).isEqualTo("applied");
    assertThat(vv01.get("drift").asBoolean()).isFalse();
    assertThat(Fixtures.namespace(server, "vv-01", "tv_scheduler").get("status").asText()).isEqualTo("applied");
  }

  /** The resourceVersion of every object in the namespace, to show that nothing was written. */
  private Map<String, String> resourceVersions() {
    Map<String, String> out = new HashMap<>();
    var client = cluster.client();
    List.of(client.configMaps().inNamespace(NAMESPACE).list().getItems(),
        client.secrets().inNamespace(NAMESPACE).list().getItems(),
        client.apps().deployments().inNamespace(NAMESPACE).list().getItems(),
        client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems(),
        client.apps().daemonSets().inNamespace(NAMESPACE).list().getItems())
        .forEach(items -> items.forEach(o -> out.put(o.getKind() + " " + o.getMetadata().getName(),
            o.getMetadata().getResourceVersion())));
    return out;
  }

  @Test
  void handEditedOrDeletedConfigMapIsPutBackAndAForeignOneIsLeftAloneAndReported() throws Exception {
    ConfigMap foreign = new ConfigMapBuilder().withNewMetadata().withName("vv-02-tv").endMetadata()
        .addToData("mine", "yes").build();
    cluster.client().configMaps().inNamespace(NAMESPACE).resource(foreign).create();
    start("""
        - name: "{device}-tv"
          namespace: tv_scheduler
        """);
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-tv")).isPresent());
    String synced = hash("vv-01-tv");

    cluster.client().configMaps().inNamespace(NAMESPACE).withName("vv-01-tv")
        .edit(c -> new ConfigMapBuilder(c).addToData("volume", "1").build());
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-tv").orElseThrow().getData())
        .isEqualTo(Map.of("volume", "60", "channel", "news")));
    eventually(WITHIN, () -> assertThat(cluster.client().v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo(Events.RESTORED);
          assertThat(e.getInvolvedObject().getName()).isEqualTo("vv-01-tv");
          assertThat(e.getMessage()).isEqualTo("fleetconf put back ConfigMap vv-01-tv (edited or deleted by hand)");
        }));

    cluster.client().configMaps().inNamespace(NAMESPACE).withName("vv-01-tv").delete();
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-tv").map(ConfigMap::getData))
        .contains(Map.of("volume", "60", "channel", "news")));
    assertThat(hash("vv-01-tv")).isEqualTo(synced);

    ConfigMap left = cluster.configMap("vv-02-tv").orElseThrow();
    assertThat(left.getData()).isEqualTo(Map.of("mine", "yes"));
    assertThat(left.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(left.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(controller.status().conflicts()).isEqualTo(Map.of("ConfigMap vv-02-tv",
        "not managed by fleetconf (no label app.kubernetes.io/managed-by=fleetconf): left alone"));
    eventually(WITHIN, () -> {
      JsonNode tv = Fixtures.namespace(server, "vv-02", "tv_scheduler");
      assertThat(tv).isNotNull();
      assertThat(tv.get("status").asText()).isEqualTo("failed");
      assertThat(tv.get("error").asText()).isEqualTo("ConfigMap vv-02-tv is not managed by fleetconf"
          + " (no label app.kubernetes.io/managed-by=fleetconf): left alone");
    });
  }
}
