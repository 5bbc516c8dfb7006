package io.fleetconf.store;

/**
 * Encrypts secret values before they reach a table, and decrypts them on the way out. The
 * {@code context} (the entry's key) is bound to the ciphertext, so a sealed value cannot be moved to
 * another key.
 */
public interface Sealer {

  String seal(byte[] plaintext, String context);

  byte[] open(String sealed, String context);

  /** The sealer of a store opened without a master key: it holds no secrets and can make none. */
  Sealer NONE = new Sealer() {
    @Override
    public String seal(byte[] plaintext, String context) {
      throw new StoreException("this server has no master key, so it cannot keep secrets");
    }

    @Override
    public byte[] open(String sealed, String context) {
      throw new StoreException("the store holds secrets, but it was opened without a master key");
    }
  };
}
