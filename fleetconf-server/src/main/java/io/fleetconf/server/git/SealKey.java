package io.fleetconf.server.git;

import io.fleetconf.git.Sealing;
import io.fleetconf.store.Sealer;
import io.fleetconf.store.Store;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * The server's seal key pair, to which {@code fleetconf seal} encrypts the secrets committed to Git.
 * Made once and kept in the store's settings, the private half sealed by the store's keyring (so
 * under the master key, like every secret, and shared by the replicas of one store).
 */
public final class SealKey {
  static final String SETTING = "git.seal-key";
  private static final String CONTEXT = "fleetconf git seal key";

  private SealKey() {}

  /** The store's seal key pair, made and stored on first use. */
  public static KeyPair load(Store store, Sealer keyring) {
    return store.setting(SETTING).map(stored -> parse(stored, keyring)).orElseGet(() -> {
      KeyPair fresh = Sealing.generate();
      store.putSetting(SETTING, Sealing.publicText(fresh.getPublic()) + " "
          + keyring.seal(fresh.getPrivate().getEncoded(), CONTEXT));
      // Read back: of two replicas starting at once, both then use the pair stored last.
      return parse(store.setting(SETTING).orElseThrow(), keyring);
    });
  }

  private static KeyPair parse(String stored, Sealer keyring) {
    String[] parts = stored.split(" ", 2);
    PublicKey publicKey = Sealing.parsePublic(parts[0]);
    return new KeyPair(publicKey, Sealing.parsePrivate(keyring.open(parts[1], CONTEXT)));
  }
}
