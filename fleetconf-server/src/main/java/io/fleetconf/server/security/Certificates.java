package io.fleetconf.server.security;

import io.fleetconf.core.DeviceId;
import io.fleetconf.store.CertificateRecord;
import io.fleetconf.store.NotFoundException;
import io.fleetconf.store.Store;
import io.fleetconf.store.TokenRecord;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client certificates: issuing them at enrolment and renewal, knowing which are revoked (in memory,
 * so that the TLS handshake can refuse a revoked certificate at once), and naming the device a
 * presented certificate stands for.
 */
public final class Certificates {
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
  private final Store store;
  private final Optional<FleetCa> ca;
  private final Clock clock;
  private final Duration validity;
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  /** A certificate just issued, with the PEM the device keeps: its certificate, then the CA's. */
  public record Issued(CertificateRecord record, String chainPem, String caPem) {}

  public Certificates(Store store, Optional<FleetCa> ca, Clock clock, Duration validity) {
    this.store = store;
    this.ca = ca;
    this.clock = clock;
    this.validity = validity;
    store.certificates().stream().filter(c -> c.revoked().isPresent()).forEach(c -> revoked.add(c.serial()));
  }

  /** Reads the revocations again (another server on a shared store may have made some). */
  public void refresh() {
    store.certificates().stream().filter(c -> c.revoked().isPresent()).forEach(c -> revoked.add(c.serial()));
  }

  public Optional<FleetCa> ca() {
    return ca;
  }

  public boolean isRevoked(String serial) {
    return revoked.contains(serial);
  }

  /** The device a verified client certificate names; empty if it is revoked. */
  public Optional<Caller.Device> identify(X509Certificate certificate) {
    String serial = FleetCa.serialOf(certificate);
    if (revoked.contains(serial)) {
      return Optional.empty();
    }
    String device = FleetCa.deviceOf(certificate);
    return device.isEmpty() ? Optional.empty() : Optional.of(new Caller.Device(DeviceId.of(device), "cert:" + serial));
  }

  /**
   * Trades a live enrolment token for a certificate for the device it is bound to. The CSR is
   * checked first, so a bad CSR does not spend the token; the token is spent before signing, so
   * that of two racing enrolments at most one gets a certificate.
   */
  public Issued enrol(Tokens tokens, String token, String csrPem) {
    Optional<TokenRecord> record = tokens.find(token).filter(t -> t.kind().equals(Tokens.ENROLMENT));
    if (record.isEmpty() || !tokens.live(record.get())) {
      throw new EnrolmentRefused("the enrolment token is not valid: unknown, expired, revoked or already used");
    }
    FleetCa authority = requireCa();
    var csr = Pem.csr(csrPem);
    DeviceId device = DeviceId.of(record.get().identity());
    // Sign once to validate the CSR (subject, signature, key strength) before the token is spent.
    authority.issueDevice(csr, device, clock.instant(), Duration.ofMinutes(1));
    if (!tokens.spend(record.get())) {
      throw new EnrolmentRefused("the enrolment token is not valid: unknown, expired, revoked or already used");
    }
    return issue(authority, csr, device);
  }

  /** A new certificate for a device that holds a valid one (or for an admin). */
  public Issued renew(DeviceId device, String csrPem) {
    FleetCa authority = requireCa();
    return issue(authority, Pem.csr(csrPem), device);
  }

  private Issued issue(FleetCa authority, org.bouncycastle.pkcs.PKCS10CertificationRequest csr, DeviceId device) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate certificate = authority.issueDevice(csr, device, now, validity);
    CertificateRecord record = new CertificateRecord(FleetCa.serialOf(certificate), device.value(), now,
        certificate.getNotAfter().toInstant(), Optional.empty());
    store.addCertificate(record);
    return new Issued(record, Pem.encode(certificate, authority.certificate()), authority.certificatePem());
  }

  public List<CertificateRecord> list() {
    return store.certificates();
  }

  /** Revokes a certificate: from now on its handshakes fail and requests on open connections get 401. */
  public CertificateRecord revoke(String serial) {
    CertificateRecord record = store.certificates().stream().filter(c -> c.serial().equals(serial)).findFirst()
        .orElseThrow(() -> new NotFoundException("no certificate with serial '" + serial + "'"));
    revoked.add(serial);
    store.revokeCertificate(serial, clock.instant());
    return record;
  }

  /** Revokes every certificate issued to {@code device}. */
  public void revokeDevice(DeviceId device) {
    store.certificates().stream().filter(c -> c.device().equals(device.value()) && c.revoked().isEmpty())
        .forEach(c -> revoke(c.serial()));
  }

  private FleetCa requireCa() {
    return ca.orElseThrow(() -> new EnrolmentRefused(
        "this server has no fleet CA; run 'fleetconf ca init' in its data directory and restart it"));
  }

  /** An enrolment that cannot go ahead: a 403 with the reason. */
  public static final class EnrolmentRefused extends RuntimeException {
    public EnrolmentRefused(String message) {
      super(message);
    }
  }
}
