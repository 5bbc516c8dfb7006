package io.fleetconf.api;

/** A body that does not have the contract's shape; the message names the field, e.g. "field 'csr' is required". */
public final class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WireException(String message) {
    super(message);
  }
}
