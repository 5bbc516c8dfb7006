package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;

/** Kubernetes events the sync records on its objects. They name objects, never their data. */
final class Events {
  static final String RESTORED = "FleetconfRestored";

  private Events() {}

  /** Says on the object that the sync put it back after a hand edit or deletion; a failure to say so is only logged. */
  static void restored(KubernetesClient kube, String namespace, Wanted object, String message) {
    String now = Instant.now().toString();
    try {
      kube.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withName(object.name() + "." + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(namespace).endMetadata()
          .withNewInvolvedObject().withApiVersion("v1").withKind(object.kind().apiName).withName(object.name())
          .withNamespace(namespace).endInvolvedObject()
          .withType("Normal").withReason(RESTORED).withMessage("fleetconf " + message)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent("fleetconf-k8s-sync").endSource().build()).create();
    } catch (KubernetesClientException e) {
      System.getLogger(Events.class.getName()).log(System.Logger.Level.WARNING,
          "fleetconf-k8s: cannot record an event on " + object.kind().apiName + " " + object.name() + " ("
              + e.getCode() + ")");
    }
  }
}
