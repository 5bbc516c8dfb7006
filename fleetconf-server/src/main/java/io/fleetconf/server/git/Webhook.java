package io.fleetconf.server.git;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.format.Format;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push event from GitHub, GitLab, Gitea or Forgejo, checked against a source's shared secret the
 * way each of them signs: GitHub's {@code X-Hub-Signature-256} and Gitea's or Forgejo's
 * {@code X-Gitea-Signature} / {@code X-Forgejo-Signature} are an HMAC-SHA256 of the body, GitLab's
 * {@code X-Gitlab-Token} is the secret itself. Every signature a request carries must match, and it
 * must carry one. Comparisons take the same time whatever differs.
 */
public final class Webhook {
  /** The largest body read; GitHub lists at most 20 commits in a push event, far below this. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final List<String> HMAC_HEADERS = List.of("X-Gitea-Signature", "X-Forgejo-Signature");
  private static final List<String> EVENT_HEADERS =
      List.of("X-GitHub-Event", "X-Gitlab-Event", "X-Gitea-Event", "X-Forgejo-Event");

  private Webhook() {}

  /** What a webhook call comes to. */
  public sealed interface Verdict {}

  /** Signed, and a push to the followed branch (or an event that does not say): fetch now. */
  public record Fetch() implements Verdict {}

  /** Signed, but nothing to fetch for: a ping, another event, a push to another branch. */
  public record Ignored(String why) implements Verdict {}

  /** Not signed with the source's secret: nothing is done. */
  public record Refused(String why) implements Verdict {}

  /**
   * Checks the signatures of a call to {@code branch}'s source, then what it announces.
   *
   * @param header a request header by name, case-insensitive
   */
  static Verdict check(byte[] secret, String branch, Function<String, Optional<String>> header, byte[] body) {
    Optional<String> refusal = refusal(secret, header, body);
    if (refusal.isPresent()) {
      return new Refused(refusal.get());
    }
    Optional<String> event = EVENT_HEADERS.stream().map(header).flatMap(Optional::stream).findFirst();
    if (event.isPresent() && !event.get().equalsIgnoreCase("push") && !event.get().equals("Push Hook")) {
      return new Ignored("a '" + io.fleetconf.core.Excerpt.of(event.get()) + "' event, not a push");
    }
    Optional<String> ref = pushedRef(body);
    if (ref.isPresent() && !ref.get().equals("refs/heads/" + branch)) {
      return new Ignored("a push to " + io.fleetconf.core.Excerpt.of(ref.get()) + ", not to " + branch);
    }
    return new Fetch();
  }

  private static Optional<String> refusal(byte[] secret, Function<String, Optional<String>> header, byte[] body) {
    boolean signed = false;
    byte[] hmac = hmac(secret, body);
    Optional<String> github = header.apply("X-Hub-Signature-256");
    if (github.isPresent()) {
      signed = true;
      String value = github.get().strip();
      if (!value.startsWith("sha256=") || !sameHex(hmac, value.substring("sha256=".length()))) {
        return Optional.of("X-Hub-Signature-256 is not the body's HMAC-SHA256 with this source's webhook secret");
      }
    }
    for (String name : HMAC_HEADERS) {
      Optional<String> value = header.apply(name);
      if (value.isPresent()) {
        signed = true;
        if (!sameHex(hmac, value.get().strip())) {
          return Optional.of(name + " is not the body's HMAC-SHA256 with this source's webhook secret");
        }
      }
    }
    Optional<String> token = header.apply("X-Gitlab-Token");
    if (token.isPresent()) {
      signed = true;
      // Digests first, so that the comparison does not tell the secret's length either.
      if (!MessageDigest.isEqual(sha256(secret), sha256(token.get().getBytes(StandardCharsets.UTF_8)))) {
        return Optional.of("X-Gitlab-Token is not this source's webhook secret");
      }
    }
    return signed ? Optional.empty() : Optional.of("the request is not signed: send X-Hub-Signature-256 (GitHub),"
        + " X-Gitlab-Token (GitLab), or X-Gitea-Signature / X-Forgejo-Signature (Gitea, Forgejo)");
  }

  private static boolean sameHex(byte[] expected, String given) {
    byte[] want = HexFormat.of().formatHex(expected).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(want, given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  /** The {@code ref} a push event names, when the body is JSON that has one (all three forges send it). */
  private static Optional<String> pushedRef(byte[] body) {
    try {
      JsonNode json = Format.JSON.parse(new String(body, StandardCharsets.UTF_8));
      return json.path("ref").isTextual() ? Optional.of(json.get("ref").asText()) : Optional.empty();
    } catch (RuntimeException notJson) {
      return Optional.empty(); // signed but not JSON (a form-encoded GitHub hook): fetch, which is always safe
    }
  }

  static byte[] hmac(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
