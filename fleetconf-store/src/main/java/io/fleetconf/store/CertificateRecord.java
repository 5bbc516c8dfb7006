package io.fleetconf.store;

import java.time.Instant;
import java.util.Optional;

/** A client certificate the fleet CA issued: its serial (hex), the device it names, its life. */
public record CertificateRecord(String serial, String device, Instant issued, Instant notAfter,
    Optional<Instant> revoked) {}
