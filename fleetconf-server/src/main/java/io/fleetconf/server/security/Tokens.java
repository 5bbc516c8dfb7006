package io.fleetconf.server.security;

import io.fleetconf.core.DeviceId;
import io.fleetconf.store.Store;
import io.fleetconf.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens of three kinds: operator tokens (with ACL rules), device tokens (a device's identity where
 * there is no mTLS) and enrolment tokens (single use, short-lived, bound to one device id, traded
 * for a client certificate). A token is 256 random bits shown once; the store keeps only its
 * SHA-256. A presented token is found by its hash and then compared in constant time.
 */
public final class Tokens {
  public static final String OPERATOR = "operator";
  public static final String DEVICE = "device";
  public static final String ENROLMENT = "enrolment";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Store store;
  private final Clock clock;
  private final Map<String, TokenRecord> byHash = new ConcurrentHashMap<>();
  private final Map<String, TokenRecord> byId = new ConcurrentHashMap<>();

  /** A new token: its record, and its secret, which is not kept anywhere. */
  public record Issued(TokenRecord record, String secret) {}

  /** Hands a new token's secret to whoever must hold it (a file), before the store knows the token. */
  @FunctionalInterface
  public interface Delivery {
    void deliver(String secret) throws java.io.IOException;
  }

  /** The identity of the admin token made on first start or by {@code fleetconf admin-token reset}. */
  public static final String BOOTSTRAP_ADMIN = "admin";

  public Tokens(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    reload();
  }

  /** Reads the tokens again (another server on a shared store may have made or revoked some). */
  public void refresh() {
    reload();
  }

  private void reload() {
    store.tokens().forEach(record -> {
      byHash.put(HexFormat.of().formatHex(record.sha256()), record);
      byId.put(record.id(), record);
    });
  }

  public boolean isEmpty() {
    return byHash.isEmpty();
  }

  public Issued operator(String identity, Acl acl, Optional<Duration> ttl) {
    return issue(OPERATOR, identity, acl.rules(), ttl);
  }

  public Issued device(DeviceId device, Optional<Duration> ttl) {
    return issue(DEVICE, device.value(), List.of(), ttl);
  }

  public Issued enrolment(DeviceId device, Duration ttl) {
    return issue(ENROLMENT, device.value(), List.of(), Optional.of(ttl));
  }

  /**
   * Issues an admin token named {@link #BOOTSTRAP_ADMIN}, delivered first: the store gets it only
   * once {@code delivery} has returned, so a crash or an I/O error in between leaves no admin token
   * that nobody holds.
   */
  public Issued bootstrapAdmin(Delivery delivery) throws java.io.IOException {
    Issued issued = mint(OPERATOR, BOOTSTRAP_ADMIN, Acl.ADMIN.rules(), Optional.empty());
    delivery.deliver(issued.secret());
    return keep(issued);
  }

  /** Revokes every live admin token named {@link #BOOTSTRAP_ADMIN}; other tokens stay. */
  public int revokeBootstrapAdmins() {
    int revoked = 0;
    for (TokenRecord token : list()) {
      if (token.kind().equals(OPERATOR) && token.identity().equals(BOOTSTRAP_ADMIN) && live(token)) {
        revoked += store.revokeToken(token.id(), clock.instant()) ? 1 : 0;
      }
    }
    reload();
    return revoked;
  }

  private Issued issue(String kind, String identity, List<String> rules, Optional<Duration> ttl) {
    return keep(mint(kind, identity, rules, ttl));
  }

  private Issued mint(String kind, String identity, List<String> rules, Optional<Duration> ttl) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "fc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[6];
    RANDOM.nextBytes(idBytes);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    TokenRecord record = new TokenRecord("tok_" + HexFormat.of().formatHex(idBytes), sha256(token), kind, identity,
        rules, now, ttl.map(now::plus), Optional.empty(), Optional.empty());
    return new Issued(record, token);
  }

  private Issued keep(Issued issued) {
    TokenRecord record = issued.record();
    store.addToken(record);
    byHash.put(HexFormat.of().formatHex(record.sha256()), record);
    byId.put(record.id(), record);
    return issued;
  }

  /** The record of a presented token, live or not; empty if it was never issued here. */
  public Optional<TokenRecord> find(String token) {
    byte[] hash = sha256(token);
    TokenRecord record = byHash.get(HexFormat.of().formatHex(hash));
    return record != null && MessageDigest.isEqual(record.sha256(), hash) ? Optional.of(record) : Optional.empty();
  }

  public boolean live(TokenRecord record) {
    return record.liveAt(clock.instant());
  }

  /** Whether the token with this id is still live (for requests that outlast a revocation). */
  public boolean live(String id) {
    TokenRecord record = byId.get(id);
    return record != null && live(record);
  }

  /** Every token, newest last. */
  public List<TokenRecord> list() {
    return byHash.values().stream()
        .sorted(java.util.Comparator.comparing(TokenRecord::created).thenComparing(TokenRecord::id)).toList();
  }

  public boolean revoke(String id) {
    boolean done = store.revokeToken(id, clock.instant());
    reload();
    return done;
  }

  /** Revokes every device and enrolment token of {@code device}: when it leaves the fleet, say. */
  public int revokeDevice(DeviceId device) {
    int revoked = 0;
    for (TokenRecord token : list()) {
      if (!token.kind().equals(OPERATOR) && token.identity().equals(device.value()) && token.revoked().isEmpty()) {
        revoked += store.revokeToken(token.id(), clock.instant()) ? 1 : 0;
      }
    }
    reload();
    return revoked;
  }

  /** Spends a single-use token: true for exactly one caller, however many race. */
  public boolean spend(TokenRecord record) {
    boolean done = store.useToken(record.id(), clock.instant());
    reload();
    return done;
  }

  private static byte[] sha256(String token) {
    try {
      // A clone of a ready digest: looking the algorithm up through the providers cost more than
      // hashing a token, on every request.
      return ((MessageDigest) SHA256.clone()).digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }

  private static final MessageDigest SHA256 = sha256Digest();

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
