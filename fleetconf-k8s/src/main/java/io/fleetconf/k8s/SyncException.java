package io.fleetconf.k8s;

/** The sync cannot do what it was asked: a bad setting, or a device's config that does not map to objects. */
public final class SyncException extends RuntimeException {
  public SyncException(String message) {
    super(message);
  }
}
