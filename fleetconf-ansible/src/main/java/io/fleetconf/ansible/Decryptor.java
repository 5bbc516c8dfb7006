package io.fleetconf.ansible;

import java.nio.file.Path;

/**
 * Turns Ansible Vault text (a {@code !vault} value or a whole encrypted vars file, starting with
 * {@code $ANSIBLE_VAULT;}) into its clear text. The CLI supplies one built from
 * {@code --vault-password-file}; {@link #REFUSE} is the one used without a password.
 */
@FunctionalInterface
public interface Decryptor {
  /** Refuses every vault text, naming the file it was found in. */
  Decryptor REFUSE = (vaultText, file) -> {
    throw new AnsibleException(file + " holds vault-encrypted data; give --vault-password-file to import it");
  };

  /** The clear text of {@code vaultText}, found in {@code file} (named in any error). */
  String decrypt(String vaultText, Path file);
}
