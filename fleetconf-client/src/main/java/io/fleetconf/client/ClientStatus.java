package io.fleetconf.client;

import java.util.Optional;

/**
 * How the client's link to the server is doing: whether the last call succeeded, how many have
 * failed in a row (the backoff), and the last error.
 */
public record ClientStatus(boolean connected, int consecutiveFailures, Optional<String> lastError) {}
