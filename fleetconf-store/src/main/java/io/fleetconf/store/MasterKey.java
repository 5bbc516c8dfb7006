package io.fleetconf.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key that wraps the data key of the secrets: 32 random bytes, kept as base64 in a file (mode
 * 0600) or in an environment variable, never in the database. {@link #toString()} shows only its
 * fingerprint.
 */
public final class MasterKey {
  /** The environment variable that may hold the master key, as base64. */
  public static final String ENV = "FLEETCONF_MASTER_KEY";
  private static final int BYTES = 32;
  private final byte[] key;

  private MasterKey(byte[] key) {
    if (key.length != BYTES) {
      throw new IllegalArgumentException("a master key is " + BYTES + " bytes (base64 of 32 random bytes), this one is "
          + key.length);
    }
    this.key = key.clone();
  }

  public static MasterKey generate() {
    byte[] key = new byte[BYTES];
    new SecureRandom().nextBytes(key);
    return new MasterKey(key);
  }

  /** Parses the base64 text of a key file or variable; the message never repeats the text. */
  public static MasterKey parse(String base64, String where) {
    try {
      return new MasterKey(Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the master key in " + where + " is not base64 of 32 bytes");
    }
  }

  public static MasterKey read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the master key file " + file + ": " + e.getMessage());
    }
  }

  /** Writes the key to a new file only its owner can read. */
  public void writeNew(Path file) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
  }

  byte[] bytes() {
    return key.clone();
  }

  /** The first 8 bytes of the key's SHA-256, in hex: enough to tell keys apart, nothing to attack. */
  public String fingerprint() {
    try {
      return HexFormat.of().formatHex(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[" + fingerprint() + "]";
  }
}
