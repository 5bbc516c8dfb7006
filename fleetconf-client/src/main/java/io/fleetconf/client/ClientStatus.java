package io.fleetconf.client;

import java.util.Objects;
import java.util.Optional;

/**
 * How the client's link to the server is doing: whether the last call succeeded, how many have
 * failed in a row (the backoff), and the last error.
 */
public final class ClientStatus {
  private final boolean connected;
  private final int consecutiveFailures;
  private final Optional<String> lastError;

  private ClientStatus(boolean connected, int consecutiveFailures, Optional<String> lastError) {
    this.connected = connected;
    this.consecutiveFailures = consecutiveFailures;
    this.lastError = lastError;
  }

  /** Not connected yet, nothing failed. */
  static ClientStatus initial() {
    return new ClientStatus(false, 0, Optional.empty());
  }

  /** The last call succeeded. */
  static ClientStatus connectedNow() {
    return new ClientStatus(true, 0, Optional.empty());
  }

  /** {@code failures} calls in a row failed, the last with {@code error}. */
  static ClientStatus failing(int failures, String error) {
    return new ClientStatus(false, failures, Optional.of(error));
  }

  public boolean connected() {
    return connected;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public Optional<String> lastError() {
    return lastError;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientStatus that && connected == that.connected
        && consecutiveFailures == that.consecutiveFailures && lastError.equals(that.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connected, consecutiveFailures, lastError);
  }

  @Override
  public String toString() {
    return "ClientStatus[connected=" + connected + ", consecutiveFailures=" + consecutiveFailures + ", lastError="
        + lastError + "]";
  }
}
