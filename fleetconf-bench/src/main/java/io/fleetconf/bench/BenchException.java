package io.fleetconf.bench;

/** The benchmark could not measure what it set out to; the message says what happened. */
class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
