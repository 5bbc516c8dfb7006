package io.fleetconf.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of secret values. One random 256-bit data key encrypts every secret with
 * AES-256-GCM (a fresh 96-bit nonce each time, the entry's key as associated data); the data key is
 * kept in the store only wrapped (AES-256-GCM) by the master key, next to the master key's
 * fingerprint. Rotating the master key re-wraps the data key: one row, no secret re-encrypted, and a
 * running server, which holds the data key in memory, is not disturbed.
 */
public final class Keyring implements Sealer {
  static final String SETTING = "secrets.data-key";
  private static final String VERSION = "v1";
  private static final byte[] WRAP_CONTEXT = "fleetconf data key".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec dataKey;

  private Keyring(byte[] dataKey) {
    this.dataKey = new SecretKeySpec(dataKey, "AES");
  }

  /**
   * Opens the store's data key with {@code master}, making and storing one on first use, and makes
   * the store seal with it.
   */
  public static Keyring open(Store store, MasterKey master) {
    Keyring keyring = store.setting(SETTING)
        .map(wrapped -> new Keyring(unwrap(wrapped, master)))
        .orElseGet(() -> {
          byte[] fresh = new byte[32];
          RANDOM.nextBytes(fresh);
          store.putSetting(SETTING, wrap(fresh, master));
          return new Keyring(fresh);
        });
    store.sealWith(keyring);
    return keyring;
  }

  /** Re-wraps the store's data key under {@code next}; {@code current} must be the key that wrapped it. */
  public static void rotate(Store store, MasterKey current, MasterKey next) {
    String wrapped = store.setting(SETTING)
        .orElseThrow(() -> new StoreException("the store has no data key yet: there is nothing to re-wrap"));
    store.putSetting(SETTING, wrap(unwrap(wrapped, current), next));
  }

  /** The fingerprint of the master key that wraps the store's data key, if it has one. */
  public static java.util.Optional<String> wrappedBy(Store store) {
    return store.setting(SETTING).map(wrapped -> wrapped.split(":")[1]);
  }

  @Override
  public String seal(byte[] plaintext, String context) {
    return VERSION + ":" + Base64.getEncoder().encodeToString(encrypt(dataKey, plaintext, context.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public byte[] open(String sealed, String context) {
    if (!sealed.startsWith(VERSION + ":")) {
      throw new StoreException("a sealed value has an unknown format");
    }
    return decrypt(dataKey, Base64.getDecoder().decode(sealed.substring(VERSION.length() + 1)),
        context.getBytes(StandardCharsets.UTF_8), "a sealed value does not open with this data key");
  }

  /** {@code v1:<master fingerprint>:<base64 nonce+ciphertext>}. */
  private static String wrap(byte[] dataKey, MasterKey master) {
    byte[] sealed = encrypt(new SecretKeySpec(master.bytes(), "AES"), dataKey, WRAP_CONTEXT);
    return VERSION + ":" + master.fingerprint() + ":" + Base64.getEncoder().encodeToString(sealed);
  }

  private static byte[] unwrap(String wrapped, MasterKey master) {
    String[] parts = wrapped.split(":");
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new StoreException("the store's wrapped data key has an unknown format");
    }
    if (!parts[1].equals(master.fingerprint())) {
      throw new StoreException("the master key given (fingerprint " + master.fingerprint()
          + ") is not the one that wrapped this store's data key (fingerprint " + parts[1] + ")");
    }
    return decrypt(new SecretKeySpec(master.bytes(), "AES"), Base64.getDecoder().decode(parts[2]), WRAP_CONTEXT,
        "the store's data key does not open with the master key given");
  }

  private static byte[] encrypt(SecretKeySpec key, byte[] plaintext, byte[] context) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context);
      byte[] ciphertext = cipher.doFinal(plaintext);
      byte[] out = new byte[NONCE_BYTES + ciphertext.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(ciphertext, 0, out, NONCE_BYTES, ciphertext.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot encrypt: " + e.getClass().getSimpleName(), e);
    }
  }

  private static byte[] decrypt(SecretKeySpec key, byte[] sealed, byte[] context, String failure) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(context);
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new StoreException(failure);
    }
  }
}
