package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The devices the cluster's Nodes name: a node whose label {@code label} holds a device id is that
 * device. Follows nodes as they come, change their label and go.
 */
final class Nodes {
  private static final System.Logger LOG = System.getLogger(Nodes.class.getName());

  private Nodes() {}

  /** Calls {@code follow} for each device a node names now and from now on, {@code unfollow} when none does any more. */
  static Watch follow(KubernetesClient kube, String label, Consumer<String> follow, Consumer<String> unfollow) {
    Map<String, String> deviceOfNode = new ConcurrentHashMap<>();
    Consumer<Node> seen = node -> {
      String name = node.getMetadata().getName();
      Optional<String> device = Optional.ofNullable(node.getMetadata().getLabels()).map(labels -> labels.get(label));
      if (device.isPresent() && !SyncConfig.isDeviceName(device.get())) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-k8s: node " + name + " has " + label
            + " set to a value that is not a device id; ignored");
        device = Optional.empty();
      }
      String before = device.isPresent() ? deviceOfNode.put(name, device.get()) : deviceOfNode.remove(name);
      device.ifPresent(follow);
      if (before != null && !before.equals(device.orElse(null)) && !deviceOfNode.containsValue(before)) {
        unfollow.accept(before);
      }
    };
    kube.nodes().withLabel(label).list().getItems().forEach(seen);
    return kube.nodes().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Node node) {
        if (action == Action.DELETED) {
          node.getMetadata().setLabels(Map.of());
        }
        seen.accept(node);
      }

      @Override
      public void onClose(WatcherException cause) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-k8s: the watch on nodes ended: " + cause.getMessage());
      }
    });
  }
}
