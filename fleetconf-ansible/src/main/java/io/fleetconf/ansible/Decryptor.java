package io.fleetconf.ansible;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the import reads Ansible YAML: with the one vault password of {@code --vault-password-file},
 * or ({@link #REFUSE}) without, refusing any vaulted value and naming its file and variable.
 */
public final class Decryptor {
  /** No password: a vaulted value or file is refused. */
  public static final Decryptor REFUSE = new Decryptor(null);
  private static final byte[] DIGEST_SALT = "fleetconf ansible import digest".getBytes(StandardCharsets.UTF_8);

  private final byte[] password;
  private Mac digest;

  private Decryptor(byte[] password) {
    this.password = password;
  }

  /** The password of an Ansible vault password file, trimmed as Ansible trims it. */
  public static Decryptor fromPasswordFile(Path file) {
    try {
      return new Decryptor(Vault.passwordFromFile(Files.readAllBytes(file), file.toString()));
    } catch (IOException e) {
      throw new AnsibleException(file + ": cannot read the vault password file: " + e.getMessage(), e);
    } catch (VaultException e) {
      throw new AnsibleException(e.getMessage(), e);
    }
  }

  /** A YAML document of {@code file}, its vaulted values decrypted and marked. */
  VaultedYaml read(String text, Path file) {
    try {
      return password == null ? VaultedYaml.read(text, file.toString())
          : VaultedYaml.read(text, password, file.toString());
    } catch (VaultException e) {
      String hint = password == null && e.getMessage().endsWith("no vault password was given")
          ? "; give --vault-password-file to import it" : "";
      throw new AnsibleException(e.getMessage() + hint, e);
    }
  }

  /** The clear text of a file encrypted whole by {@code ansible-vault encrypt} (an INI inventory). */
  String decryptWhole(String vaultText, Path file) {
    if (password == null) {
      throw new AnsibleException(file + ": the whole file is vault-encrypted and no vault password was given; "
          + "give --vault-password-file to import it");
    }
    try {
      return new String(Vault.decrypt(vaultText, password, file.toString()), StandardCharsets.UTF_8);
    } catch (VaultException e) {
      throw new AnsibleException(e.getMessage(), e);
    }
  }

  /**
   * A keyed digest of a secret value, to tell whether it changed without reading it back: HMAC-SHA256
   * under a key derived from the vault password (PBKDF2), so that the digest alone does not let
   * anyone test guesses of the value without the password.
   */
  public synchronized String digest(String where, String valueJson) {
    if (password == null) {
      throw new IllegalStateException("no vault password to digest with");
    }
    try {
      if (digest == null) {
        char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(chars, DIGEST_SALT, 10_000, 256)).getEncoded();
        digest = Mac.getInstance("HmacSHA256");
        digest.init(new SecretKeySpec(key, "HmacSHA256"));
      }
      digest.update(where.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return "hmac-sha256:" + HexFormat.of().formatHex(digest.doFinal(valueJson.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256 or HmacSHA256", e);
    }
  }
}
