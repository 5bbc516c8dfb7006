package io.fleetconf.k8s;

import static io.fleetconf.k8s.MockCluster.NAMESPACE;
import static io.fleetconf.k8s.MockCluster.pod;
import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Secret entries reach the cluster only as Secrets: never a ConfigMap, a log line or an event. */
class K8sSecretsTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final String SECRET = "s3cr3t-Hm4c-9f2";
  @RegisterExtension final TestServer server = TestServer.fresh();
  @RegisterExtension final MockCluster cluster = new MockCluster();
  @TempDir Path dir;
  private SyncController controller;
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final List<String> configMapData = new CopyOnWriteArrayList<>();
  private final Logger fleetconf = Logger.getLogger("io.fleetconf");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Watch configMaps;

  @BeforeEach
  void fleet() {
    fleetconf.setLevel(Level.ALL);
    fleetconf.addHandler(capture);
    server.post("/api/v1/devices", "{\"id\": \"vv-01\", \"groups\": [\"site/lisbon\"]}");
    server.post("/api/v1/devices", "{\"id\": \"vv-02\", \"groups\": [\"site/porto\"]}");
    server.put("/api/v1/entries/global/tv_api/url", "\"http://tv.example\"");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    // Every ConfigMap the cluster ever holds, as each watch event shows it.
    configMaps = cluster.client().configMaps().inNamespace(NAMESPACE).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap map) {
        configMapData.add(String.valueOf(map.getData()));
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  @AfterEach
  void stop() {
    configMaps.close();
    fleetconf.removeHandler(capture);
    fleetconf.setLevel(null);
    if (controller != null) {
      controller.close();
    }
  }

  private Map<String, String> secretData(String name) {
    return cluster.secret(name).map(s -> s.getData()).orElse(Map.of());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void secretEntryLandsOnlyInASecretAndLeavesWithIt() throws Exception {
    cluster.deployment("api", pod(p -> p.addNewVolume().withName("env").withNewSecret().withSecretName("vv-01-api-env")
        .endSecret().endVolume().addNewContainer().withName("c").withImage("api").addNewEnvFrom().withNewConfigMapRef()
        .withName("vv-01-api").endConfigMapRef().endEnvFrom().endContainer()), Map.of());
    cluster.statefulSet("signer", pod(p -> p.addNewContainer().withName("c").withImage("s").addNewEnv().withName("K")
        .withNewValueFrom().withNewSecretKeyRef().withName("vv-01-api").withKey("hmac_key").endSecretKeyRef()
        .endValueFrom().endEnv().endContainer()));
    cluster.daemonSet("auditor", pod(p -> p.addNewContainer().withName("c").withImage("a").addNewEnvFrom()
        .withNewSecretRef().withName("vv-01-api").endSecretRef().endEnvFrom().endContainer()));
    controller = Fixtures.start(server, cluster, dir, """
        - name: "{device}-api"
          namespace: tv_api
        - name: "{device}-api-env"
          namespace: tv_api
          data: file
          key: tv_api.env
          format: env
        """);
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-api-env")).isPresent());
    assertThat(cluster.configMap("vv-01-api").orElseThrow().getData())
        .isEqualTo(Map.of("url", "http://tv.example", "port", "8080"));

    server.put("/api/v1/entries/devices/vv-01/tv_api/hmac_key?secret=true", "\"" + SECRET + "\"");
    eventually(WITHIN, () -> assertThat(cluster.secret("vv-01-api").map(s -> s.getData()))
        .contains(Map.of("hmac_key", base64(SECRET))));
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-api-env")).isEmpty());
    String env = new String(Base64.getDecoder().decode(secretData("vv-01-api-env").get("tv_api.env")), StandardCharsets.UTF_8);
    assertThat(env).contains(SECRET).contains("http://tv.example");
    assertThat(cluster.secret("vv-01-api").orElseThrow().getType()).isEqualTo("Opaque");
    assertThat(cluster.configMap("vv-01-api").orElseThrow().getData())
        .isEqualTo(Map.of("url", "http://tv.example", "port", "8080"));
    assertThat(cluster.secret("vv-02-api")).isEmpty();
    eventually(WITHIN, () -> {
      Map<String, Map<String, String>> rolled = cluster.podAnnotations();
      String apiEnv = MockCluster.annotation(cluster.secret("vv-01-api-env").orElseThrow(), Objects.HASH);
      String api = MockCluster.annotation(cluster.secret("vv-01-api").orElseThrow(), Objects.HASH);
      assertThat(rolled.get("Deployment api")).containsEntry("fleetconf.io/secret-hash-vv-01-api-env", apiEnv);
      assertThat(rolled.get("StatefulSet signer")).isEqualTo(Map.of("fleetconf.io/secret-hash-vv-01-api", api));
      assertThat(rolled.get("DaemonSet auditor")).isEqualTo(Map.of("fleetconf.io/secret-hash-vv-01-api", api));
    });

    // A hand edit of the Secret is put back; the event names the object only.
    cluster.client().secrets().inNamespace(NAMESPACE).withName("vv-01-api")
        .edit(s -> new SecretBuilder(s).addToData("hmac_key", base64("guess")).build());
    eventually(WITHIN, () -> assertThat(secretData("vv-01-api")).isEqualTo(Map.of("hmac_key", base64(SECRET))));
    eventually(WITHIN, () -> assertThat(cluster.client().v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("fleetconf put back Secret vv-01-api (edited or deleted by hand)")));

    server.put("/api/v1/entries/global/tv_api/url", "\"http://tv2.example\"");
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-api").orElseThrow().getData())
        .containsEntry("url", "http://tv2.example"));

    // The secret entry deleted: its Secrets go (pruned), the whole file is a ConfigMap again.
    server.delete("/api/v1/entries/devices/vv-01/tv_api/hmac_key");
    eventually(WITHIN, () -> assertThat(cluster.secret("vv-01-api")).isEmpty());
    eventually(WITHIN, () -> assertThat(cluster.secret("vv-01-api-env")).isEmpty());
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-01-api-env")).isPresent());

    assertThat(configMapData).isNotEmpty().noneMatch(data -> data.contains(SECRET) || data.contains(base64(SECRET)));
    assertThat(cluster.client().v1().events().inNamespace(NAMESPACE).list().getItems())
        .noneMatch(e -> e.toString().contains(SECRET) || e.toString().contains(base64(SECRET)));
    assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(SECRET) || line.contains(base64(SECRET)));
    // Everything the sync did here is in the Role of deploy/k8s, and the Role grants nothing this did not use.
    assertThat(cluster.syncRequests()).isEqualTo(ManifestsTest.roleGrants());
  }

  @Test
  void secretsThatArriveMaskedAreNotWrittenAndTheReportSaysWhy() throws Exception {
    server.put("/api/v1/entries/devices/vv-01/tv_api/hmac_key?secret=true", "\"" + SECRET + "\"");
    String limited = server.post("/api/v1/tokens", "{\"kind\": \"operator\", \"identity\": \"k8s\","
        + " \"rules\": [\"write devices\"]}").json().get("token").asText();
    controller = Fixtures.start(server, cluster.syncClient(), dir, """
        - name: "{device}-api"
          namespace: tv_api
        """, limited);
    eventually(WITHIN, () -> assertThat(cluster.configMap("vv-02-api")).isPresent());
    eventually(WITHIN, () -> {
      var api = Fixtures.namespace(server, "vv-01", "tv_api");
      assertThat(api).isNotNull();
      assertThat(api.get("status").asText()).isEqualTo("failed");
      assertThat(api.get("error").asText()).isEqualTo("vv-01-api: secret 'tv_api/hmac_key' came masked: the token"
          + " may not read secrets in clear (give it the rule 'read secrets', or use the device's own token);"
          + " nothing changed");
    });
    assertThat(cluster.secret("vv-01-api")).isEmpty();
    assertThat(cluster.configMap("vv-01-api")).isEmpty();
  }

  @Test
  void aTokenLimitedToOneDeviceSyncsItWithItsSecretAndReportsAndIsRefusedTheOther() throws Exception {
    server.put("/api/v1/entries/devices/vv-01/tv_api/hmac_key?secret=true", "\"" + SECRET + "\"");
    String limited = server.post("/api/v1/tokens", "{\"kind\": \"operator\", \"identity\": \"k8s-lisbon\","
        + " \"rules\": [\"write devices vv-01\", \"read secrets\"]}").json().get("token").asText();
    controller = Fixtures.start(server, cluster.syncClient(), dir, """
        - name: "{device}-api"
          namespace: tv_api
        """, limited);
    eventually(WITHIN, () -> assertThat(secretData("vv-01-api")).isEqualTo(Map.of("hmac_key", base64(SECRET))));
    assertThat(cluster.configMap("vv-01-api").orElseThrow().getData())
        .isEqualTo(Map.of("url", "http://tv.example", "port", "8080"));
    eventually(WITHIN, () -> {
      var api = Fixtures.namespace(server, "vv-01", "tv_api");
      assertThat(api).isNotNull();
      assertThat(api.get("status").asText()).isEqualTo("applied");
    });
    // vv-02 is outside the token's rule: the server refuses its config, so the sync makes nothing for it.
    assertThat(server.send("GET", "/api/v1/devices/vv-02/config", null, null, "Bearer " + limited).status())
        .isEqualTo(403);
    assertThat(cluster.configMap("vv-02-api")).isEmpty();
    assertThat(Fixtures.namespace(server, "vv-02", "tv_api")).isNull();
  }
}
