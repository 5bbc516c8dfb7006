package io.fleetconf.cli;

/** A command failed for a reason the user can act on; printed as one line, exit status 1. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}
