package io.fleetconf.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/k8s: every manifest is a Kubernetes object as fabric8's model reads it, and they fit together. */
class ManifestsTest {
  static final Path DIR = Path.of("..", "deploy", "k8s");

  static <T extends HasMetadata> T read(String file, Class<T> type) throws IOException {
    try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
      return Serialization.unmarshal(in, type);
    }
  }

  /** What the Role grants, as "resource verb" pairs ({@code configmaps watch}). */
  static Set<String> roleGrants() throws IOException {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : read("role.yaml", Role.class).getRules()) {
      rule.getResources().forEach(resource -> rule.getVerbs().forEach(verb -> grants.add(resource + " " + verb)));
    }
    return grants;
  }

  /** What the per-node ClusterRole grants, as "resource verb" pairs ({@code nodes watch}). */
  static Set<String> clusterRoleGrants() throws IOException {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : read("per-node/clusterrole.yaml", ClusterRole.class).getRules()) {
      rule.getResources().forEach(resource -> rule.getVerbs().forEach(verb -> grants.add(resource + " " + verb)));
    }
    return grants;
  }

  @Test
  void perNodeOverlayAddsAClusterRoleThatReadsNodesOnlyBoundToTheSyncsServiceAccount() throws IOException {
    JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("per-node/kustomization.yaml").toFile());
    List<String> resources = new ArrayList<>();
    kustomization.get("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).containsExactly("..", "clusterrole.yaml", "clusterrolebinding.yaml");
    ClusterRole role = read("per-node/clusterrole.yaml", ClusterRole.class);
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("nodes");
      assertThat(rule.getResourceNames()).isNullOrEmpty();
    });
    ClusterRoleBinding binding = read("per-node/clusterrolebinding.yaml", ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("fleetconf-k8s-sync");
      assertThat(s.getNamespace()).isEqualTo("edge");
    });
  }

  @Test
  void kustomizationListsEveryManifestAndEachParsesAsItsKind() throws IOException {
    JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("kustomization.yaml").toFile());
    List<String> resources = new ArrayList<>();
    kustomization.get("resources").forEach(r -> resources.add(r.asText()));
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(resources).containsExactlyInAnyOrderElementsOf(files.filter(Files::isRegularFile)
          .map(f -> f.getFileName().toString())
          .filter(name -> !name.equals("kustomization.yaml")).toList());
    }
    assertThat(kustomization.get("namespace").asText()).isEqualTo("edge");
    assertThat(read("serviceaccount.yaml", ServiceAccount.class).getMetadata().getName()).isEqualTo("fleetconf-k8s-sync");
    assertThat(read("role.yaml", Role.class).getKind()).isEqualTo("Role");
    assertThat(read("sync-config.yaml", ConfigMap.class).getData()).containsKey("sync.yaml");
  }

  @Test
  void deploymentRunsTheSyncAsItsServiceAccountBoundToTheRole() throws IOException {
    Deployment deployment = read("deployment.yaml", Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pod.getServiceAccountName()).isEqualTo("fleetconf-k8s-sync");
    assertThat(pod.getContainers().get(0).getArgs()).containsExactly("k8s", "sync", "--config",
        "/etc/fleetconf-k8s/sync.yaml");
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("fleetconf-k8s-sync"));
    RoleBinding binding = read("rolebinding.yaml", RoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(read("role.yaml", Role.class).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(pod.getServiceAccountName());
    });
  }

  @Test
  void roleGrantsOnlyTheNamespacedRightsTheSyncUses() throws IOException {
    assertThat(roleGrants()).containsExactlyInAnyOrder(
        "configmaps get", "configmaps list", "configmaps watch", "configmaps create", "configmaps update",
        "configmaps delete", "secrets get", "secrets list", "secrets watch", "secrets create", "secrets update",
        "secrets delete", "deployments get", "deployments list", "deployments patch", "statefulsets get",
        "statefulsets list", "statefulsets patch", "daemonsets get", "daemonsets list", "daemonsets patch",
        "events create");
    assertThat(read("role.yaml", Role.class).getRules()).allSatisfy(rule -> {
      assertThat(rule.getResourceNames()).isNullOrEmpty();
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
    });
  }

  @Test
  void sampleSyncSettingsLoad(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sync.yaml");
    Files.writeString(file, read("sync-config.yaml", ConfigMap.class).getData().get("sync.yaml"));
    SyncConfig settings = SyncConfig.load(file);
    assertThat(settings.kubernetesNamespace()).isEqualTo("edge");
    assertThat(settings.objects()).extracting(m -> m.objectName("vv-01"))
        .containsExactly("vv-01-tv-scheduler", "vv-01-tv-api-env");
  }
}
