package io.fleetconf.ansible;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ansible Vault's AES256 format, versions 1.1 and 1.2 ({@code $ANSIBLE_VAULT;1.2;AES256;<vault-id>}),
 * as {@code ansible-vault} writes it, with the JDK's crypto.
 *
 * <p>The envelope is a header line and then the hexlified text {@code hex(salt) \n hex(hmac) \n
 * hex(ciphertext)}, wrapped at 80 columns. PBKDF2-HMAC-SHA256 (10,000 iterations) turns the
 * password and salt into 80 bytes: the AES-256 key, the HMAC-SHA256 key and the 16-byte CTR
 * counter. The HMAC of the ciphertext is checked, in constant time, before anything is decrypted;
 * the plaintext is PKCS#7-padded AES-256-CTR.
 *
 * <p>{@code where} in every method names the value for error messages (a file, a file and a
 * variable); errors never hold the plaintext or the password. The 1.2 vault id is a label only: one
 * password is tried whatever the label, as {@code ansible-vault --vault-password-file} does.
 */
public final class Vault {
  private static final String HEADER = "$ANSIBLE_VAULT";
  private static final int ITERATIONS = 10_000;
  private static final int KEY_LENGTH = 32;
  private static final int IV_LENGTH = 16;
  private static final int LINE_WIDTH = 80;
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Vault() {}

  /** Whether the text is a vault envelope: it starts with {@code $ANSIBLE_VAULT}, as Ansible tests it. */
  public static boolean isEncrypted(String text) {
    return text.startsWith(HEADER) && StandardCharsets.US_ASCII.newEncoder().canEncode(text);
  }

  /**
   * The password in an Ansible vault password file's content, trimmed of surrounding whitespace as
   * Ansible trims it. (An executable password script is not run: give its output instead.)
   */
  public static byte[] passwordFromFile(byte[] content, String where) {
    int start = 0;
    int end = content.length;
    while (start < end && isAsciiSpace(content[start])) {
      start++;
    }
    while (end > start && isAsciiSpace(content[end - 1])) {
      end--;
    }
    if (start == end) {
      throw new VaultException(where + ": the vault password file is empty");
    }
    return Arrays.copyOfRange(content, start, end);
  }

  /** Decrypts a vault envelope with the password; answers the plaintext bytes. */
  public static byte[] decrypt(String vaultText, byte[] password, String where) {
    requirePassword(password, where);
    List<String> lines = vaultText.strip().lines().map(String::strip).toList();
    if (lines.isEmpty() || !lines.get(0).startsWith(HEADER + ";")) {
      throw malformed(where, "it does not start with " + HEADER + ";");
    }
    String[] header = lines.get(0).split(";", -1);
    if (header.length < 3) {
      throw malformed(where, "the header " + lines.get(0) + " has no cipher");
    }
    String version = header[1].strip();
    String cipher = header[2].strip();
    if (!version.equals("1.1") && !version.equals("1.2")) {
      throw malformed(where, "version " + version + " is not supported (1.1 and 1.2 are)");
    }
    if (!cipher.equals("AES256")) {
      throw malformed(where, "cipher " + cipher + " is not supported (AES256 is)");
    }
    String outer = unhex(String.join("", lines.subList(1, lines.size())), "the payload", where);
    String[] parts = outer.split("\n", 3);
    if (parts.length != 3) {
      throw malformed(where, "the payload is not salt, HMAC and ciphertext on three lines");
    }
    byte[] salt = parseHex(parts[0], "the salt", where);
    byte[] expectedHmac = parseHex(parts[1], "the HMAC", where);
    byte[] ciphertext = parseHex(parts[2], "the ciphertext", where);
    if (salt.length == 0) {
      throw malformed(where, "the salt is empty");
    }

    byte[] keys = pbkdf2(password, salt);
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(keys, KEY_LENGTH, KEY_LENGTH, "HmacSHA256"));
      if (!MessageDigest.isEqual(hmac.doFinal(ciphertext), expectedHmac)) {
        throw new VaultException(where + ": the vault password does not open this value (HMAC check failed)");
      }
      byte[] padded = ctr(Cipher.DECRYPT_MODE, keys, ciphertext);
      return unpad(padded, where);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides AES/CTR and HmacSHA256", e);
    } finally {
      Arrays.fill(keys, (byte) 0);
    }
  }

  /**
   * Encrypts the plaintext as {@code ansible-vault encrypt} does: version 1.1 when {@code vaultId}
   * is empty or {@code default}, else 1.2 with that id; a fresh 32-byte salt; lines of 80 columns
   * and a final newline.
   */
  public static String encrypt(byte[] plaintext, byte[] password, String vaultId) {
    requirePassword(password, "encrypt");
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    byte[] keys = pbkdf2(password, salt);
    try {
      byte[] ciphertext = ctr(Cipher.ENCRYPT_MODE, keys, pad(plaintext));
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(keys, KEY_LENGTH, KEY_LENGTH, "HmacSHA256"));
      String inner = HEX.formatHex(salt) + "\n" + HEX.formatHex(hmac.doFinal(ciphertext)) + "\n"
          + HEX.formatHex(ciphertext);
      String payload = HEX.formatHex(inner.getBytes(StandardCharsets.US_ASCII));
      boolean labelled = !vaultId.isEmpty() && !vaultId.equals("default");
      StringBuilder out = new StringBuilder(HEADER)
          .append(labelled ? ";1.2;AES256;" + vaultId : ";1.1;AES256").append('\n');
      for (int i = 0; i < payload.length(); i += LINE_WIDTH) {
        out.append(payload, i, Math.min(payload.length(), i + LINE_WIDTH)).append('\n');
      }
      return out.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides AES/CTR and HmacSHA256", e);
    } finally {
      Arrays.fill(keys, (byte) 0);
    }
  }

  private static void requirePassword(byte[] password, String where) {
    if (password.length == 0) {
      throw new VaultException(where + ": the vault password is empty");
    }
  }

  private static byte[] ctr(int mode, byte[] keys, byte[] input) throws GeneralSecurityException {
    Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
    aes.init(mode, new SecretKeySpec(keys, 0, KEY_LENGTH, "AES"),
        new IvParameterSpec(keys, 2 * KEY_LENGTH, IV_LENGTH));
    return aes.doFinal(input);
  }

  // PBKDF2-HMAC-SHA256 over the password's bytes as they are (the JDK's PBKDF2 takes chars).
  private static byte[] pbkdf2(byte[] password, byte[] salt) {
    int length = 2 * KEY_LENGTH + IV_LENGTH;
    byte[] out = new byte[length];
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(password, "HmacSHA256"));
      byte[] u = new byte[32];
      byte[] t = new byte[32];
      for (int block = 1, offset = 0; offset < length; block++, offset += 32) {
        mac.update(salt);
        mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
        mac.doFinal(u, 0);
        System.arraycopy(u, 0, t, 0, 32);
        for (int i = 1; i < ITERATIONS; i++) {
          mac.update(u);
          mac.doFinal(u, 0);
          for (int j = 0; j < 32; j++) {
            t[j] ^= u[j];
          }
        }
        System.arraycopy(t, 0, out, offset, Math.min(32, length - offset));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides HmacSHA256", e);
    }
  }

  private static byte[] pad(byte[] plaintext) {
    int n = 16 - plaintext.length % 16;
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + n);
    Arrays.fill(padded, plaintext.length, padded.length, (byte) n);
    return padded;
  }

  private static byte[] unpad(byte[] padded, String where) {
    int n = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
    if (padded.length % 16 != 0 || n < 1 || n > 16) {
      throw malformed(where, "the decrypted value has no valid PKCS#7 padding");
    }
    for (int i = padded.length - n; i < padded.length; i++) {
      if ((padded[i] & 0xff) != n) {
        throw malformed(where, "the decrypted value has no valid PKCS#7 padding");
      }
    }
    return Arrays.copyOf(padded, padded.length - n);
  }

  private static String unhex(String hex, String what, String where) {
    return new String(parseHex(hex, what, where), StandardCharsets.ISO_8859_1);
  }

  private static byte[] parseHex(String hex, String what, String where) {
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw malformed(where, what + " is not hexadecimal of even length");
    }
  }

  private static VaultException malformed(String where, String detail) {
    return new VaultException(where + ": malformed vault value: " + detail);
  }

  private static boolean isAsciiSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
  }
}
