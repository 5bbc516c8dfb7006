package io.fleetconf.bench;

/** Something the bench waited for did not happen in time. */
final class BenchTimeout extends BenchException {
  BenchTimeout(String message) {
    super(message);
  }
}
