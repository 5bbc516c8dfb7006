package io.fleetconf.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fleetconf.format.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data keys of one namespace, and the objects a workload uses, without a cluster. */
class DesiredTest {
  private final Map<String, String> plain = new LinkedHashMap<>();
  private final Map<String, String> secret = new LinkedHashMap<>();

  @Test
  void eachKeyIsADataKeyWithNumbersAsWrittenAndObjectsAsJson() {
    Desired.perKey("tv", Json.read("{\"tv\": {\"volume\": 1.10, \"rules\": [{\"ch\": 7}], \"name\": \"x\", \"on\": true,"
        + " \"gone\": null, \"api\": {\"key\": \"k\"}}}"), List.of("tv/api/key"), plain, secret);
    assertThat(plain).containsExactly(Map.entry("volume", "1.10"), Map.entry("rules", "[{\"ch\":7}]"),
        Map.entry("name", "x"), Map.entry("on", "true"));
    assertThat(secret).containsExactly(Map.entry("api", "{\"key\":\"k\"}"));
  }

  @Test
  void aKeyThatCannotBeADataKeyOrAMaskedSecretChangesNothing() {
    assertThatThrownBy(() -> Desired.perKey("tv", Json.read("{\"tv\": {\"a b\": 1}}"), List.of(), plain, secret))
        .hasMessage("key 'tv/a b' cannot be a data key (letters, digits, - _ . only): nothing changed");
    assertThatThrownBy(() -> Desired.perKey("radio", Json.read("{\"tv\": {}}"), List.of(), plain, secret))
        .hasMessage("namespace 'radio' is not in this device's config: nothing changed (an empty object would drop"
            + " every setting the service reads)");
    assertThatThrownBy(() -> Desired.refuseMasked("tv", false, Json.read("{\"tv\": {\"k\": \"********\"}}"),
        List.of("tv/k"))).hasMessageStartingWith("secret 'tv/k' came masked");
  }

  @Test
  void workloadUsesWhatItsPodTemplateReferencesOrItFollows() {
    var pod = new PodSpecBuilder()
        .addNewVolume().withName("p").withNewProjected().addNewSource().withNewSecret().withName("s1").endSecret()
        .endSource().endProjected().endVolume()
        .addNewInitContainer().withName("i").addNewEnvFrom().withNewConfigMapRef().withName("c1").endConfigMapRef()
        .endEnvFrom().endInitContainer()
        .addNewContainer().withName("c").addNewEnv().withName("E").withNewValueFrom().withNewSecretKeyRef()
        .withName("s2").withKey("k").endSecretKeyRef().endValueFrom().endEnv().endContainer().build();
    var deployment = new DeploymentBuilder().withNewMetadata().withName("d")
        .addToAnnotations(Rollouts.FOLLOW, "f1, f2").endMetadata().build();
    assertThat(Rollouts.references(deployment, pod)).containsExactlyInAnyOrder(
        new Wanted.Ref(Wanted.Kind.SECRET, "s1"), new Wanted.Ref(Wanted.Kind.CONFIG_MAP, "c1"),
        new Wanted.Ref(Wanted.Kind.SECRET, "s2"), new Wanted.Ref(Wanted.Kind.CONFIG_MAP, "f1"),
        new Wanted.Ref(Wanted.Kind.SECRET, "f1"), new Wanted.Ref(Wanted.Kind.CONFIG_MAP, "f2"),
        new Wanted.Ref(Wanted.Kind.SECRET, "f2"));
  }

  @Test
  void annotationKeyOfALongNameStaysWithinKubernetesLimit() {
    String longName = "vv-lis-01-" + "x".repeat(80);
    String key = Rollouts.annotationKey(new Wanted.Ref(Wanted.Kind.CONFIG_MAP, longName));
    assertThat(key).isEqualTo("fleetconf.io/config-hash-" + Wanted.sha256(longName).substring(0, 40));
    assertThat(key.substring("fleetconf.io/".length())).hasSizeLessThanOrEqualTo(63);
    assertThat(Rollouts.annotationKey(new Wanted.Ref(Wanted.Kind.SECRET, "vv-01-api")))
        .isEqualTo("fleetconf.io/secret-hash-vv-01-api");
  }
}
