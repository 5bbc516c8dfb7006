package io.fleetconf.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the sync's tests share: a sync config for a test server and cluster, and reading fleet status. */
final class Fixtures {
  private Fixtures() {}

  /** Starts a sync of vv-01 and vv-02 with an operator token, resyncing every 200 ms, making {@code objects}. */
  static SyncController start(TestServer server, MockCluster cluster, Path dir, String objects) throws IOException {
    return start(server, cluster.syncClient(), dir, objects, server.token());
  }

  /** The same with this token and this client for the API server. */
  static SyncController start(TestServer server, KubernetesClient kube, Path dir, String objects, String token)
      throws IOException {
    Path file = dir.resolve("sync.yaml");
    Files.writeString(file, "server: " + server.uri() + "\n"
        + "token: " + token + "\n"
        + "devices: [vv-01, vv-02]\n"
        + "kubernetes_namespace: " + MockCluster.NAMESPACE + "\n"
        + "poll_wait: 30s\n"
        + "resync: 200ms\n"
        + "objects:\n" + objects);
    return SyncController.start(SyncConfig.load(file), kube);
  }

  /** A device's entry in {@code GET /api/v1/fleet/status}. */
  static JsonNode status(TestServer server, String device) {
    for (JsonNode d : server.get("/api/v1/fleet/status").json().get("devices")) {
      if (d.get("id").asText().equals(device)) {
        return d;
      }
    }
    throw new AssertionError("no device " + device + " in fleet status");
  }

  /** One namespace of a device's fleet status, or null when it has no report. */
  static JsonNode namespace(TestServer server, String device, String namespace) {
    for (JsonNode ns : status(server, device).get("namespaces")) {
      if (ns.get("namespace").asText().equals(namespace)) {
        return ns;
      }
    }
    return null;
  }
}
