package io.fleetconf.server.http;

import io.fleetconf.server.security.Acl;
import io.fleetconf.server.security.Caller;
import io.fleetconf.server.security.Certificates;
import io.fleetconf.server.security.Limits;
import io.fleetconf.server.security.RateLimiter;
import io.fleetconf.server.security.Sessions;
import io.fleetconf.server.security.Tokens;
import io.fleetconf.core.DeviceId;
import io.fleetconf.store.TokenRecord;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Authentication, in one place: who is calling (a bearer token, or a client certificate from the
 * fleet CA), and the limits on each caller: its rate, and how many watches it holds. Failed authentications are logged
 * with the reason and the client's address, never with what was presented, and counted.
 */
public final class Authentication {
  private static final System.Logger LOG = System.getLogger(Authentication.class.getName());
  private final Tokens tokens;
  private final Certificates certificates;
  private final Limits limits;
  private final Acl anonymousPolicy;
  private final RateLimiter perIdentity;
  private final RateLimiter perAddress;
  private final AtomicLong authFailures = new AtomicLong();
  private final Map<String, AtomicInteger> watches = new ConcurrentHashMap<>();
  private final Sessions sessions;

  /** @param anonymousPolicy what a request to the Consul API without credentials may do ({@link Acl#NONE}: nothing) */
  public Authentication(Tokens tokens, Certificates certificates, Limits limits, Acl anonymousPolicy) {
    this.anonymousPolicy = anonymousPolicy;
    this.tokens = tokens;
    this.certificates = certificates;
    this.limits = limits;
    this.perIdentity = new RateLimiter(limits.perIdentityRate());
    this.perAddress = new RateLimiter(limits.perAddressRate());
    this.sessions = new Sessions(tokens, java.time.Clock.systemUTC());
  }

  /** The console's sign-in sessions, which requests may present instead of a token. */
  public Sessions sessions() {
    return sessions;
  }

  public Tokens tokens() {
    return tokens;
  }

  public Certificates certificates() {
    return certificates;
  }

  public Limits limits() {
    return limits;
  }

  /** How many requests failed authentication since the server started. */
  public long authFailures() {
    return authFailures.get();
  }

  /** Refuses the request with 429 if its client address is over its rate. */
  void admitAddress(Exchange exchange) {
    refuseIfOver(perAddress.take(address(exchange)), "client address");
  }

  /**
   * Operator tokens' rules, parsed once per distinct rule list rather than on every request (a
   * long-polling fleet re-polls thousands of times a minute); as many as there are tokens at most.
   */
  private final java.util.concurrent.ConcurrentHashMap<java.util.List<String>, Acl> acls =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Who is calling; a 401 (logged and counted) if no valid credential came with the request. */
  Caller authenticate(Exchange exchange) {
    Caller caller = identify(exchange);
    refuseIfOver(perIdentity.take(credential(caller)), "token");
    return caller;
  }

  private Caller identify(Exchange exchange) {
    String header = exchange.header("Authorization").orElse(null);
    Optional<String> consulToken = header == null ? consulToken(exchange) : Optional.empty();
    if (header != null || consulToken.isPresent()) {
      if (header != null && !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw refused(exchange, "an Authorization header that is not a bearer token",
            "send 'Authorization: Bearer <token>'");
      }
      Optional<TokenRecord> found = tokens.find(header != null ? header.substring(7).strip() : consulToken.get());
      if (found.isEmpty()) {
        throw refused(exchange, "an unknown token", "the bearer token is not valid");
      }
      TokenRecord token = found.get();
      if (!tokens.live(token) || token.kind().equals(Tokens.ENROLMENT)) {
        String why = token.revoked().isPresent() ? "revoked" : token.kind().equals(Tokens.ENROLMENT) ? "an enrolment token"
            : "expired";
        throw refused(exchange, "token " + token.id() + " (" + why + ")", "the bearer token is " + (why.startsWith("an")
            ? "for enrolment only" : why));
      }
      return token.kind().equals(Tokens.DEVICE)
          ? new Caller.Device(DeviceId.of(token.identity()), token.id())
          : new Caller.Operator(token.id(), token.identity(), acls.computeIfAbsent(token.rules(), Acl::new));
    }
    Optional<String> cookie = sessionCookie(exchange);
    if (cookie.isPresent()) {
      return session(exchange, cookie.get());
    }
    Optional<X509Certificate> certificate = peerCertificate(exchange);
    if (certificate.isPresent()) {
      return certificates.identify(certificate.get()).orElseThrow(() -> refused(exchange,
          "a revoked client certificate", "the client certificate is revoked"));
    }
    boolean consulApi = exchange.uri().getPath().startsWith("/v1/");
    if (consulApi && !anonymousPolicy.rules().isEmpty()) {
      return new Caller.Anonymous(anonymousPolicy, address(exchange)); // Consul's anonymous token
    }
    throw refused(exchange, "no credentials", consulApi ? "missing credentials: send a token in X-Consul-Token"
        : "missing credentials: send 'Authorization: Bearer <token>' or a client certificate");
  }

  /**
   * The console's session: its operator, if the session is live; any change (a method other than
   * GET or HEAD) must also carry the session's CSRF token, which another site cannot read.
   */
  private Caller session(Exchange exchange, String id) {
    Sessions.Session session = sessions.find(id).orElseThrow(() -> refused(exchange, "an unknown or ended console"
        + " session", "the console session has ended; sign in again"));
    String method = exchange.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      String presented = exchange.header(Sessions.CSRF_HEADER).orElse("");
      if (!Sessions.csrfMatches(session, presented)) {
        LOG.log(System.Logger.Level.WARNING, "refused " + method + " " + printablePath(exchange) + " from "
            + address(exchange) + ": console session without its CSRF token");
        throw new ApiException(403, "csrf", "this change needs the console session's CSRF token in header "
            + Sessions.CSRF_HEADER);
      }
    }
    return session.operator();
  }

  /** The value of the console's session cookie, if the request has one. */
  static Optional<String> sessionCookie(Exchange exchange) {
    for (String header : exchange.headers("Cookie")) {
      for (String pair : header.split(";")) {
        String trimmed = pair.strip();
        if (trimmed.startsWith(Sessions.COOKIE + "=") && trimmed.length() > Sessions.COOKIE.length() + 1) {
          return Optional.of(trimmed.substring(Sessions.COOKIE.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A token as Consul clients also send it: the {@code X-Consul-Token} header, or on the Consul
   * API ({@code /v1/...}) a {@code token} query parameter.
   */
  private static Optional<String> consulToken(Exchange exchange) {
    String header = exchange.header("X-Consul-Token").orElse(null);
    if (header != null && !header.isBlank()) {
      return Optional.of(header.strip());
    }
    String query = exchange.uri().getRawQuery();
    if (query == null || !exchange.uri().getPath().startsWith("/v1/")) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("token=") && pair.length() > "token=".length()) {
        return Optional.of(java.net.URLDecoder.decode(pair.substring("token=".length()), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** Records an authentication refused before any request: at the TLS handshake, or at enrolment. */
  public void refused(String what) {
    long count = authFailures.incrementAndGet();
    LOG.log(System.Logger.Level.WARNING, "authentication failed (" + count + " so far): " + what);
  }

  private ApiException refused(Exchange exchange, String what, String message) {
    long count = authFailures.incrementAndGet();
    LOG.log(System.Logger.Level.WARNING, "authentication failed (" + count + " so far): " + what + " from "
        + address(exchange) + " for " + exchange.method() + " " + printablePath(exchange));
    return new ApiException(401, "unauthorized", message);
  }

  private static Optional<X509Certificate> peerCertificate(Exchange exchange) {
    Optional<javax.net.ssl.SSLSession> tls = exchange.tlsSession();
    if (tls.isPresent()) {
      try {
        var chain = tls.get().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
          return Optional.of(x509);
        }
      } catch (SSLPeerUnverifiedException none) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a caller authenticated earlier still is: a long-poll or an event stream that outlives
   * the revocation (or expiry) of its token or certificate ends instead of answering.
   */
  boolean stillValid(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> tokens.live(operator.tokenId());
      case Caller.Device device -> device.byCertificate()
          ? !certificates.isRevoked(device.credential().substring("cert:".length()))
          : tokens.live(device.credential());
      case Caller.Anonymous anonymous -> true;
    };
  }

  /** A held watch slot; closing it frees the slot. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /** Holds one of the caller's watch slots until closed; a 429 if all are taken. */
  Slot watchSlot(Caller caller) {
    String name = credential(caller);
    AtomicInteger held = watches.computeIfAbsent(name, n -> new AtomicInteger());
    if (held.incrementAndGet() > limits.maxWatchesPerIdentity()) {
      held.decrementAndGet();
      throw new ApiException(429, "too_many_watches", "this identity already holds "
          + limits.maxWatchesPerIdentity() + " watches; close one first", Map.of("Retry-After", "5"));
    }
    return held::decrementAndGet;
  }

  private static String credential(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> operator.tokenId();
      case Caller.Device device -> "device:" + device.id().value();
      case Caller.Anonymous anonymous -> "anonymous:" + anonymous.from();
    };
  }

  private static void refuseIfOver(OptionalLong wait, String per) {
    if (wait.isPresent()) {
      throw new ApiException(429, "rate_limited", "too many requests for this " + per + "; retry after "
          + wait.getAsLong() + " s", Map.of("Retry-After", Long.toString(wait.getAsLong())));
    }
  }

  /** The request path for a log line: raw (still percent-encoded), cut at 200 characters, no query. */
  static String printablePath(Exchange exchange) {
    String path = exchange.uri().getRawPath();
    path = path == null ? "" : path.replaceAll("\\p{Cntrl}", "?");
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }

  static String address(Exchange exchange) {
    return exchange.remoteAddress().getAddress().getHostAddress();
  }
}
