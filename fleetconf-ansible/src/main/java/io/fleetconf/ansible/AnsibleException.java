package io.fleetconf.ansible;

/** An inventory, vars file or vault value that cannot be brought over; the message names the file. */
public final class AnsibleException extends RuntimeException {
  public AnsibleException(String message) {
    super(message);
  }

  public AnsibleException(String message, Throwable cause) {
    super(message, cause);
  }
}
