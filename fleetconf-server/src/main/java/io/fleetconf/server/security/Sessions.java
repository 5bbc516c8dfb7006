package io.fleetconf.server.security;

import io.fleetconf.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sign-in sessions: an operator token exchanged for a random session id (the
 * cookie) and a CSRF token. A session acts as its token, with the token's rules, and ends at
 * sign-out, after {@link #LIFETIME}, or as soon as its token is revoked or expires. Kept in this
 * server's memory only, by the SHA-256 of the id: a restart signs everyone out.
 */
public final class Sessions {
  /** How long a session lasts at most, whatever the token's own expiry (which also ends it). */
  public static final Duration LIFETIME = Duration.ofHours(8);
  /** The name of the session cookie. */
  public static final String COOKIE = "fleetconf_session";
  /** The request header that carries the session's CSRF token on every change. */
  public static final String CSRF_HEADER = "X-Fleetconf-Csrf";
  private static final int MAX_SESSIONS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A signed-in operator; {@code csrf} must come back in {@link #CSRF_HEADER} with every change. */
  public record Session(Caller.Operator operator, String csrf, Instant expires) {}

  /** A new session: the cookie's value, given to the browser once, and the session it opens. */
  public record Opened(String id, Session session) {}

  private final Tokens tokens;
  private final Clock clock;
  private final Map<String, Session> byHash = new ConcurrentHashMap<>();

  public Sessions(Tokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** A session for a live operator token; empty for any other token (device, enrolment, revoked, expired). */
  public Optional<Opened> open(TokenRecord token) {
    if (!token.kind().equals(Tokens.OPERATOR) || !tokens.live(token)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    byHash.values().removeIf(session -> !session.expires().isAfter(now));
    if (byHash.size() >= MAX_SESSIONS) {
      throw new IllegalStateException("too many console sessions are open (" + MAX_SESSIONS + ")");
    }
    Instant expires = token.expires().filter(at -> at.isBefore(now.plus(LIFETIME))).orElse(now.plus(LIFETIME));
    String id = random();
    Session session = new Session(new Caller.Operator(token.id(), token.identity(), new Acl(token.rules())), random(),
        expires);
    byHash.put(hash(id), session);
    return Optional.of(new Opened(id, session));
  }

  /** The live session with this cookie value; an expired one, or one whose token is no longer live, is dropped. */
  public Optional<Session> find(String id) {
    String key = hash(id);
    Session session = byHash.get(key);
    if (session == null) {
      return Optional.empty();
    }
    if (!session.expires().isAfter(clock.instant()) || !tokens.live(session.operator().tokenId())) {
      byHash.remove(key);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  /** Whether {@code presented} is the session's CSRF token, compared in constant time. */
  public static boolean csrfMatches(Session session, String presented) {
    return MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  /** Ends the session with this cookie value, if there is one. */
  public void close(String id) {
    byHash.remove(hash(id));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String id) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
