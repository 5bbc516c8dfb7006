package io.fleetconf.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A stored token: the SHA-256 of its secret (never the secret), what kind it is, whom it names, the
 * rules it carries, and its life: made, expiring, revoked, used (enrolment tokens work once).
 *
 * @param kind {@code operator}, {@code device} or {@code enrolment}
 * @param identity the operator's name, or the device id for device and enrolment tokens
 */
public record TokenRecord(String id, byte[] sha256, String kind, String identity, List<String> rules,
    Instant created, Optional<Instant> expires, Optional<Instant> revoked, Optional<Instant> used) {

  public TokenRecord {
    rules = List.copyOf(rules);
  }

  /** Whether the token can be used at {@code now}: not revoked, not expired, and (enrolment) not used. */
  public boolean liveAt(Instant now) {
    return revoked.isEmpty() && used.isEmpty() && expires.map(now::isBefore).orElse(true);
  }
}
