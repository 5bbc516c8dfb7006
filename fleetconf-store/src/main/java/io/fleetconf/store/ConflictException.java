package io.fleetconf.store;

/** A compare-and-set expectation did not hold, or something to create already exists. */
public final class ConflictException extends StoreException {
  public ConflictException(String message) {
    super(message);
  }
}
