package io.fleetconf.ansible;

/**
 * An Ansible Vault value that cannot be read: wrong password, no password, or a malformed
 * envelope. The message names where the value was and never holds the plaintext or the password.
 */
public final class VaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  VaultException(String message) {
    super(message);
  }
}
