package io.fleetconf.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
      String text = Files.readString(file, StandardCharsets.US_ASCII);
      if (text.isBlank()) {
        throw new IllegalArgumentException("the master key file " + file + " is empty (cut short by a crash while it"
            + " was made?); put back the copy you kept, see docs/operations.md");
      }
      return parse(text, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the master key file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes the key to a new file only its owner can read, durably: the file is whole on disk before
   * this returns, so a store that a moment later holds a data key wrapped by it never outlives it.
   */
  public void writeNew(Path file) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    DurableFile.write(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII),
        DurableFile.Mode.OWNER_ONLY);
  }

  /** Whether {@code file} is a key file left empty by a crash while it was first written. */
  public static boolean isEmptyFile(Path file) throws IOException {
    return Files.isRegularFile(file) && Files.size(file) == 0;
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
