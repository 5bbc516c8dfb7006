package io.fleetconf.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.server.FleetStatus;
import io.fleetconf.server.Replica;
import io.fleetconf.server.api.ApiJson;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Authentication;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.server.security.Caller;
import io.fleetconf.server.security.Sessions;
import io.fleetconf.store.TokenRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The web console under {@code /console}: a page and its script and style, sign-in and sign-out,
 * and a stream that tells the page when the fleet changed. Everything else the page shows or does
 * goes through the native API with the session cookie, so the API's authorisation, masking, dry
 * runs and refusals are the console's too (docs/console.md).
 */
public final class Console {
  /** Scripts, styles, images and connections from this server only; nothing inline, no frames. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  /** The page's JavaScript modules: console.js imports the others. */
  private static final java.util.List<String> SCRIPTS =
      java.util.List.of("console.js", "core.js", "fleet.js", "device.js", "changes.js", "rollouts.js");
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final Duration LOOK_EVERY = Duration.ofSeconds(1);
  private final Replica replica;
  private final FleetStatus status;
  private final Authentication authentication;

  public Console(Replica replica, FleetStatus status, Authentication authentication) {
    this.replica = replica;
    this.status = status;
    this.authentication = authentication;
  }

  public void register(Router router) {
    router.open("GET", "/console", request -> page("index.html", "text/html; charset=utf-8"))
        .open("GET", "/console/", request -> page("index.html", "text/html; charset=utf-8"))
        .open("GET", "/console/console.css", request -> page("console.css", "text/css; charset=utf-8"));
    for (String script : SCRIPTS) {
      router.open("GET", "/console/" + script, request -> page(script, "text/javascript; charset=utf-8"));
    }
    router.open("POST", "/console/session", this::signIn)
        .open("GET", "/console/session", this::whoAmI)
        .on("DELETE", "/console/session", this::signOut)
        .on("GET", "/console/events", this::events);
  }

  /** Exchanges an operator token, sent as JSON (which no other site's form can send), for a session. */
  private Response signIn(Request request) {
    if (!request.contentType().equals("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "sign in with a JSON body {\"token\": \"...\"}");
    }
    JsonNode body = Bodies.object(request);
    String token = Bodies.text(body, "token").strip();
    Optional<TokenRecord> found = authentication.tokens().find(token);
    Optional<Sessions.Opened> opened = found.flatMap(authentication.sessions()::open);
    if (opened.isEmpty()) {
      authentication.refused("console sign-in with " + found.map(record -> "token " + record.id() + " ("
          + record.kind() + ", live: " + authentication.tokens().live(record) + ")").orElse("an unknown token")
          + " from " + request.clientAddress());
      throw new ApiException(401, "unauthorized", "that token cannot sign in: it is unknown, revoked, expired,"
          + " or not an operator token");
    }
    Sessions.Opened session = opened.get();
    // Rounded up: a session of the full lifetime says so (28800 s), not one second less.
    long seconds = Math.max(0, (Duration.between(Instant.now(), session.session().expires()).toMillis() + 999) / 1000);
    return secured(Response.ok(describe(session.session())))
        .with("Set-Cookie", cookie(session.id(), seconds, request.secure()));
  }

  /**
   * The session the page was loaded with, or a 401 if none: the page asks on every load, so a
   * visitor not signed in yet is no failed authentication (nothing is logged or counted).
   */
  private Response whoAmI(Request request) {
    return request.sessionCookie().flatMap(authentication.sessions()::find)
        .map(session -> secured(Response.ok(describe(session))))
        .orElseGet(() -> secured(Router.error(401, "unauthorized", "not signed in")));
  }

  private Response signOut(Request request) {
    request.sessionCookie().ifPresent(authentication.sessions()::close);
    return secured(Response.ok(ApiJson.object().put("signedOut", true))).with("Set-Cookie",
        cookie("", 0, request.secure()));
  }

  /**
   * Server-Sent Events: a {@code fleet} event whenever this server takes a report or the store's
   * revision moves, so that the page fetches the fleet's status again; a comment keeps it open.
   */
  private Response events(Request request) {
    session(request);
    Authentication.Slot slot = request.watchSlot();
    return Response.stream("text/event-stream", out -> {
      Thread streaming = Thread.currentThread();
      request.whenClientGone(streaming::interrupt);
      try (slot) {
        stream(request, out);
      }
    }).with("Content-Security-Policy", CSP);
  }

  private void stream(Request request, OutputStream out) throws IOException {
    long reports = status.reportsTaken();
    long revision = replica.snapshot().revision().value();
    long quiet = 0;
    write(out, "retry: 2000\n\n");
    while (replica.ready() && request.credentialsStillValid() && stillSignedIn(request)) {
      try {
        long now = status.awaitReport(reports, LOOK_EVERY);
        long at = replica.snapshot().revision().value();
        if (now != reports || at != revision) {
          reports = now;
          revision = at;
          quiet = 0;
          write(out, "event: fleet\ndata: " + at + "\n\n");
        } else if (++quiet * LOOK_EVERY.toMillis() >= KEEP_ALIVE.toMillis()) {
          quiet = 0;
          write(out, ": keep-alive\n\n");
        }
      } catch (InterruptedException gone) {
        return;
      }
    }
  }

  private boolean stillSignedIn(Request request) {
    return request.sessionCookie().flatMap(authentication.sessions()::find).isPresent();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The session this request came with; the console's own routes take no bearer token. */
  private Sessions.Session session(Request request) {
    if (!(request.caller() instanceof Caller.Operator)) {
      throw new ApiException(403, "forbidden", "the console is for operator tokens");
    }
    return request.sessionCookie().flatMap(authentication.sessions()::find).orElseThrow(() ->
        new InvalidInputException("no_session", "this route is the console's: sign in at /console"));
  }

  private static ObjectNode describe(Sessions.Session session) {
    ObjectNode out = ApiJson.object();
    out.put("identity", session.operator().name());
    out.put("tokenId", session.operator().tokenId());
    out.put("csrf", session.csrf());
    out.put("expires", ApiJson.time(session.expires()));
    out.put("admin", session.operator().acl().admin());
    out.put("readsSecrets", session.operator().acl().canReadSecrets());
    out.put("readsDevices", session.operator().acl().canReadDevices());
    var rules = out.putArray("rules");
    session.operator().acl().rules().forEach(rules::add);
    return out;
  }

  /** The session cookie: never readable by scripts, never sent from another site, Secure over TLS. */
  static String cookie(String value, long maxAgeSeconds, boolean secure) {
    return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  private static Response secured(Response response) {
    return response.with("Content-Security-Policy", CSP)
        .with("X-Content-Type-Options", "nosniff")
        .with("Referrer-Policy", "no-referrer")
        .with("X-Frame-Options", "DENY");
  }

  private static Response page(String name, String mediaType) {
    try (InputStream in = Console.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + name + " is missing from the build");
      }
      return secured(Response.text(mediaType, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
