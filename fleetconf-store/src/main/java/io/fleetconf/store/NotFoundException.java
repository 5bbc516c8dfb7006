package io.fleetconf.store;

/** Something a mutation or query names does not exist. */
public final class NotFoundException extends StoreException {
  public NotFoundException(String message) {
    super(message);
  }
}
