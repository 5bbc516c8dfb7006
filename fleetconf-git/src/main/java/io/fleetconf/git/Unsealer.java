package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import java.security.KeyPair;

/** Opens the sealed ({@code ENC[...]}) values of a repository as the layout reads them. */
@FunctionalInterface
public interface Unsealer {

  /**
   * The value sealed in {@code sealed} for {@code key}.
   *
   * @throws InvalidInputException saying why it does not open, without any of the value
   */
  String open(Key key, String sealed);

  /** For a reader that holds no seal key: a sealed value makes the state refused. */
  Unsealer NONE = (key, sealed) -> {
    throw new InvalidInputException("invalid_sealed_value", key + " is sealed, and this reader has no seal key");
  };

  /**
   * For a reader that only compares states (a plan): a sealed value stands for itself, still
   * sealed; only its shape is checked.
   */
  Unsealer KEEP_SEALED = (key, sealed) -> {
    Sealing.checkShape(sealed);
    return sealed;
  };

  /** Opens with a server's key pair. */
  static Unsealer with(KeyPair server) {
    return (key, sealed) -> Sealing.open(server, key, sealed);
  }
}
