package io.fleetconf.cli;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetconf k8s sync} as a real process against fabric8's CRUD mock API server and a real server. */
class K8sSyncCommandTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;
  private KubernetesMockServer cluster;
  private NamespacedKubernetesClient kube;

  @BeforeEach
  void cluster() {
    cluster = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    cluster.init();
    kube = cluster.createClient();
  }

  @AfterEach
  void stopCluster() {
    kube.close();
    cluster.destroy();
  }

  private Path settings(String devices) throws Exception {
    Path file = dir.resolve("sync.yaml");
    Files.writeString(file, "server: " + server.uri() + "\ntoken: " + server.token() + "\ndevices: " + devices
        + "\nkubernetes_namespace: edge\nobjects:\n  - name: \"{device}-tv\"\n    namespace: tv_scheduler\n");
    return file;
  }

  @Test
  void syncProcessOnTheClasspathTheJarShipsMakesTheDevicesConfigMap() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/tv_scheduler/volume", "60");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
        + kube.getMasterUrl() + "\ncontexts:\n- name: mock\n  context: {cluster: mock, user: mock}\n"
        + "current-context: mock\nusers:\n- name: mock\n  user: {token: mock}\n");
    Process sync = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        CliRun.shippedClasspath(), Main.class.getName(), "k8s", "sync", "--config",
        settings("[vv-1]").toString(), "--kubeconfig", kubeconfig.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sync.log").toFile()).start();
    try {
      eventually(Duration.ofSeconds(60), () -> {
        if (!sync.isAlive()) { // no point waiting for a process that ended: say why at once
          throw new IllegalStateException("k8s sync ended: " + Files.readString(dir.resolve("sync.log")));
        }
        assertThat(java.util.Optional.ofNullable(kube.configMaps().inNamespace("edge").withName("vv-1-tv").get())
            .map(ConfigMap::getData)).contains(Map.of("volume", "60"));
      });
      // The log line follows the create: wait for it too, rather than race the process's output.
      eventually(Duration.ofSeconds(10), () -> assertThat(Files.readString(dir.resolve("sync.log")))
          .contains("fleetconf-k8s: created ConfigMap vv-1-tv at revision 2"));
    } finally {
      sync.destroy();
      sync.waitFor();
    }
  }

  @Test
  void badSettingsStopTheSyncBeforeItStartsNamingTheSetting() throws Exception {
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute("k8s", "sync", "--config", settings("[]").toString());
    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("fleetconf: sync config: devices must list at least one device id"
        + System.lineSeparator());
  }

  @Test
  void configShowPrintsTheConfigMapAndTheSecretAsManifestsTheApiServerTakes() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/tv_api/url", "\"http://tv.example\"");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/devices/vv-1/tv_api/hmac_key?secret=true", "\"s3cr3t\"");
    CliRun configMap = CliRun.fleetconf(server, "config", "show", "--device", "vv-1", "--namespace", "tv_api",
        "--format", "configmap");
    assertThat(configMap.status()).as(configMap.err()).isZero();
    assertThat(configMap.out()).doesNotContain("s3cr3t");
    ConfigMap made = kube.configMaps().inNamespace("edge").resource(
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(configMap.out(), ConfigMap.class)).create();
    assertThat(made.getMetadata().getName()).isEqualTo("vv-1-tv-api");
    assertThat(made.getData()).isEqualTo(Map.of("url", "http://tv.example", "port", "8080"));
    assertThat(made.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "fleetconf");

    CliRun secret = CliRun.fleetconf(server, "config", "show", "--device", "vv-1", "--namespace", "tv_api",
        "--format", "secret");
    assertThat(secret.status()).as(secret.err()).isZero();
    var stored = kube.secrets().inNamespace("edge").resource(io.fabric8.kubernetes.client.utils.Serialization
        .unmarshal(secret.out(), io.fabric8.kubernetes.api.model.Secret.class)).create();
    assertThat(stored.getData()).isEqualTo(Map.of("hmac_key", java.util.Base64.getEncoder().encodeToString(
        "s3cr3t".getBytes(java.nio.charset.StandardCharsets.UTF_8))));

    CliRun none = CliRun.fleetconf(server, "config", "show", "--device", "vv-1", "--format", "secret");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("fleetconf: --format secret needs --namespace (and no --explain)"
        + System.lineSeparator());
  }
}
