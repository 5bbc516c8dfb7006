package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sealed values, {@code ENC[fc1:<key id>:<base64url>]}: a value encrypted to a server's X25519
 * public key (ECIES: an ephemeral X25519 key agreement, HKDF-SHA256, AES-256-GCM) with the entry's
 * key path as associated data, so that only that server opens it and only for that key. The key id
 * is the first 8 bytes of the SHA-256 of the public key, to say which key a value was sealed for.
 */
public final class Sealing {
  private static final String VERSION = "fc1";
  private static final String PREFIX = "ENC[";
  private static final byte[] INFO = "fleetconf seal fc1".getBytes(StandardCharsets.US_ASCII);
  /** The length of an X25519 public key in its X.509 encoding. */
  private static final int PUBLIC_BYTES = 44;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Sealing() {}

  /** Whether {@code text} has the shape of a sealed value (it may still fail to open). */
  public static boolean isSealed(String text) {
    return text.startsWith(PREFIX) && text.endsWith("]");
  }

  /** A new X25519 key pair for a server. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("X25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no X25519", e);
    }
  }

  /** The published form of a public key: {@code x25519:<base64url of its X.509 encoding>}. */
  public static String publicText(PublicKey key) {
    return "x25519:" + ENCODER.encodeToString(key.getEncoded());
  }

  /** Reads {@link #publicText}; refuses anything else with the reason. */
  public static PublicKey parsePublic(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("x25519:")) {
      throw new InvalidInputException("invalid_seal_key", "a seal key starts with 'x25519:'");
    }
    try {
      byte[] encoded = Base64.getUrlDecoder().decode(trimmed.substring("x25519:".length()));
      return KeyFactory.getInstance("XDH").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InvalidInputException("invalid_seal_key", "the seal key is not an X25519 public key");
    }
  }

  /** The private key from its PKCS#8 encoding. */
  public static PrivateKey parsePrivate(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance("XDH").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored seal key is not an X25519 private key");
    }
  }

  /** The id of a public key: 16 hex digits. */
  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Seals {@code plaintext} for the holder of {@code recipient}'s private key, bound to {@code key}. */
  public static String seal(PublicKey recipient, Key key, String plaintext) {
    try {
      KeyPair ephemeral = generate();
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      byte[] epk = ephemeral.getPublic().getEncoded();
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, ephemeral.getPrivate(), recipient, epk, recipient, nonce, key);
      byte[] ciphertext = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(epk.length + NONCE_BYTES + ciphertext.length)
          .put(epk).put(nonce).put(ciphertext).array();
      return PREFIX + VERSION + ":" + keyId(recipient) + ":" + ENCODER.encodeToString(out) + "]";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Opens a sealed value for {@code key} with the server's key pair.
   *
   * @throws InvalidInputException saying why it does not open (another format, another server's
   *     key, or sealed for another key path, or altered), never showing any of the value
   */
  public static String open(KeyPair server, Key key, String sealed) {
    String[] parts = parts(sealed);
    String expected = keyId(server.getPublic());
    if (!parts[1].equals(expected)) {
      throw new InvalidInputException("invalid_sealed_value", "the value of " + key + " was sealed for key "
          + parts[1] + ", not for this server's key " + expected + "; seal it again with fleetconf seal");
    }
    try {
      byte[] data = Base64.getUrlDecoder().decode(parts[2]);
      if (data.length < PUBLIC_BYTES + NONCE_BYTES + TAG_BITS / 8) {
        throw new IllegalArgumentException("too short");
      }
      byte[] epk = java.util.Arrays.copyOfRange(data, 0, PUBLIC_BYTES);
      byte[] nonce = java.util.Arrays.copyOfRange(data, PUBLIC_BYTES, PUBLIC_BYTES + NONCE_BYTES);
      PublicKey ephemeral = KeyFactory.getInstance("XDH").generatePublic(new X509EncodedKeySpec(epk));
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, server.getPrivate(), ephemeral, epk, server.getPublic(), nonce, key);
      byte[] plaintext = cipher.doFinal(data, PUBLIC_BYTES + NONCE_BYTES, data.length - PUBLIC_BYTES - NONCE_BYTES);
      return new String(plaintext, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InvalidInputException("invalid_sealed_value", "the value of " + key
          + " does not open: it was sealed for another key path, or altered; seal it again for " + key);
    }
  }

  /**
   * Refuses a value that has not the shape of a sealed one: version, key id, and base64url data.
   * What a reader without the key can check.
   */
  public static void checkShape(String sealed) {
    parts(sealed);
  }

  private static String[] parts(String sealed) {
    String[] parts = isSealed(sealed) ? sealed.substring(PREFIX.length(), sealed.length() - 1).split(":", -1)
        : new String[0];
    if (parts.length != 3 || !parts[0].equals(VERSION) || !parts[1].matches("[0-9a-f]{16}")
        || !parts[2].matches("[A-Za-z0-9_-]{" + (PUBLIC_BYTES + NONCE_BYTES + TAG_BITS / 8) * 4 / 3 + ",}")) {
      throw new InvalidInputException("invalid_sealed_value", "a sealed value must be ENC[" + VERSION
          + ":<key id>:<data>], as fleetconf seal makes it");
    }
    return parts;
  }

  /** AES-256-GCM keyed by HKDF-SHA256 over the X25519 secret, salted with both public keys. */
  private static Cipher cipher(int mode, PrivateKey own, PublicKey other, byte[] epk, PublicKey recipient,
      byte[] nonce, Key key) throws GeneralSecurityException {
    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(own);
    agreement.doPhase(other, true);
    byte[] shared = agreement.generateSecret();
    byte[] salt = ByteBuffer.allocate(epk.length + recipient.getEncoded().length).put(epk)
        .put(recipient.getEncoded()).array();
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(hkdf(salt, shared), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(key.toString().getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  /** RFC 5869 with SHA-256, one block of output (32 bytes); the JDK 21 has no HKDF of its own. */
  private static byte[] hkdf(byte[] salt, byte[] ikm) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(INFO);
    return mac.doFinal(new byte[] {1});
  }
}
