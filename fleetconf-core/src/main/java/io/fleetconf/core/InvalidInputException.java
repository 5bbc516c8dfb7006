package io.fleetconf.core;

/**
 * Input that fleetconf refuses: a malformed key, value, scope or document.
 *
 * <p>The {@link #code()} is a stable machine-readable reason (e.g. {@code invalid_key}); the message
 * says, for a person, what was wrong. Messages never carry secret values.
 */
public class InvalidInputException extends RuntimeException {
  private final String code;

  public InvalidInputException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
