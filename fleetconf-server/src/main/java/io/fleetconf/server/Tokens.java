package io.fleetconf.server;

import io.fleetconf.store.Store;
import io.fleetconf.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * API tokens: 256 random bits, shown once; the store keeps only their SHA-256, and lookups compare
 * every stored hash in constant time.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Store store;
  private final List<TokenRecord> known;

  public Tokens(Store store) {
    this.store = store;
    this.known = new CopyOnWriteArrayList<>(store.tokens());
  }

  public boolean isEmpty() {
    return known.isEmpty();
  }

  /** Creates a token for {@code identity} and returns its secret, which is not kept anywhere. */
  public String create(String identity) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "fc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[6];
    RANDOM.nextBytes(idBytes);
    TokenRecord record = new TokenRecord(
        "tok_" + java.util.HexFormat.of().formatHex(idBytes), sha256(token), identity, Instant.now());
    store.addToken(record);
    known.add(record);
    return token;
  }

  /** The identity that holds {@code token}, if any. */
  public Optional<String> identify(String token) {
    byte[] hash = sha256(token);
    String found = null;
    for (TokenRecord record : known) {
      if (MessageDigest.isEqual(record.sha256(), hash)) {
        found = record.identity();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
