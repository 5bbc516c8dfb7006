package io.fleetconf.store;

import java.time.Instant;

/** A stored API token: the SHA-256 of the secret (never the secret), who it is, and when it was made. */
public record TokenRecord(String id, byte[] sha256, String identity, Instant created) {}
