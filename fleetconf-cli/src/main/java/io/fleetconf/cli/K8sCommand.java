package io.fleetconf.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetconf.k8s.SyncConfig;
import io.fleetconf.k8s.SyncController;
import io.fleetconf.k8s.SyncException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "k8s", mixinStandardHelpOptions = true, subcommands = K8sCommand.Sync.class,
    description = "Kubernetes: devices' config as ConfigMaps and Secrets (docs/kubernetes.md).")
final class K8sCommand {

  @Command(name = "sync", mixinStandardHelpOptions = true, description = {
      "Keep each device's config as ConfigMaps and Secrets in one Kubernetes namespace, put back hand edits,",
      "roll the Deployments, StatefulSets and DaemonSets that use what changed, and report to fleetconf.",
      "Runs until stopped; meant to run in the cluster (deploy/k8s)."})
  static final class Sync implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The sync settings (YAML).")
    Path config;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = {"The cluster to use, as kubectl reads it.",
        "Default: the pod's service account in a cluster, else $KUBECONFIG or ~/.kube/config."})
    Path kubeconfig;

    @Override
    public Integer call() throws InterruptedException {
      SyncConfig settings;
      try {
        settings = SyncConfig.load(config);
      } catch (SyncException e) {
        throw new CliException(e.getMessage());
      }
      SyncController controller = SyncController.start(settings, kubernetes());
      OutputFormat.print(spec, ApiClient.JSON.createObjectNode().put("running", "k8s sync").put("config",
          config.toString()), out -> { });
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        controller.close();
        stopped.countDown();
      }));
      stopped.await();
      return 0;
    }

    private KubernetesClient kubernetes() {
      if (kubeconfig == null) {
        return new KubernetesClientBuilder().build();
      }
      try {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
      } catch (IOException | RuntimeException e) {
        throw new CliException("cannot read --kubeconfig " + kubeconfig + ": " + e.getMessage());
      }
    }
  }
}
