package io.fleetconf.cli;

import java.util.OptionalInt;

/**
 * A command failed for a reason the user can act on; printed as one line (or, in json mode, as
 * {@code {"error", "message", "status"}}: OutputFormat), exit status 1. {@code code} is the server's error code
 * when the server refused, else {@code cli}.
 */
final class CliException extends RuntimeException {
  private final String code;
  private final OptionalInt status;

  CliException(String message) {
    this("cli", message, OptionalInt.empty());
  }

  /** The server answered {@code status} with its error {@code code} and {@code message}. */
  CliException(String code, String message, OptionalInt status) {
    super(message);
    this.code = code;
    this.status = status;
  }

  String code() {
    return code;
  }

  OptionalInt status() {
    return status;
  }

  /** The one line printed in text mode: the message, and the status the server answered. */
  String line() {
    return status.isPresent() ? getMessage() + " (" + status.getAsInt() + ")" : getMessage();
  }
}
