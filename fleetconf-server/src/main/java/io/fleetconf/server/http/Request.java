package io.fleetconf.server.http;

import io.fleetconf.core.Excerpt;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Revision;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.fleetconf.server.security.Caller;

/** An authenticated HTTP request as handlers see it: the path tail after the route, query and body. */
public final class Request {
  private final Exchange exchange;
  private final String tail;
  private final Map<String, String> query;
  private final Caller caller;
  private final Authentication authentication;

  Request(Exchange exchange, String tail, Caller caller, Authentication authentication) {
    this.exchange = exchange;
    this.tail = tail;
    this.query = parseQuery(exchange.uri().getRawQuery());
    this.caller = caller;
    this.authentication = authentication;
  }

  /** The part of the path after the route's prefix, without leading slash; may be empty. */
  public String tail() {
    return tail;
  }

  /**
   * The tail's segments, each percent-decoded on its own, so that an encoded '/' ({@code %2F}) stays
   * inside its segment (where validation refuses it) instead of splitting it: the device id
   * {@code vv-1/config} must not read as device {@code vv-1}'s config. Empty for an empty tail.
   */
  public List<String> segments() {
    if (tail.isEmpty()) {
      return List.of();
    }
    String rawPath = exchange.uri().getRawPath();
    if (rawPath.indexOf('%') < 0 && rawPath.indexOf('+') < 0) {
      return List.of(tail.split("/", -1)); // nothing encoded: the tail's segments are the raw ones
    }
    String[] raw = rawPath.split("/", -1);
    int prefix = exchange.uri().getPath().split("/", -1).length - tail.split("/", -1).length;
    if (prefix < 1 || prefix >= raw.length) {
      throw new ApiException(400, "bad_request", "the request path has an encoded '/' before its last part");
    }
    // A '+' in a path is a plus, not the space it is in a query string.
    return java.util.Arrays.stream(raw, prefix, raw.length).map(part -> decode(part.replace("+", "%2B"))).toList();
  }

  /** Who is asking, as authentication established it. */
  public Caller caller() {
    return caller;
  }

  /** The name a change set made by this request records as its author. */
  public String principal() {
    return caller.name();
  }

  /**
   * What a change set made by this request records as its source: {@code api}, or {@code cli} or
   * {@code console} when the fleetconf command or the web console says so in {@code X-Fleetconf-Source}. Any other value is refused, so
   * that history never records a source a client made up.
   */
  public String source() {
    String source = header("X-Fleetconf-Source").orElse("api");
    if (!source.equals("api") && !source.equals("cli") && !source.equals("console")) {
      throw new InvalidInputException("invalid_header",
          "header X-Fleetconf-Source must be api, cli or console, was '" + printable(source) + "'");
    }
    return source;
  }

  private static String printable(String text) {
    return text.length() > 32 ? text.substring(0, 32) + "..." : text;
  }

  /** Whether the request came over TLS (a cookie set in answer is then marked Secure). */
  public boolean secure() {
    return exchange.tlsSession().isPresent();
  }

  /** The console session cookie's value, if the request carries one. */
  public Optional<String> sessionCookie() {
    return Authentication.sessionCookie(exchange);
  }

  /** The client's IP address, for logs. */
  public String clientAddress() {
    return Authentication.address(exchange);
  }

  /** The address and port this request came in on, e.g. {@code 127.0.0.1:8585}. */
  public String localAddress() {
    var local = exchange.localAddress();
    String host = local.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + local.getPort();
  }

  /**
   * Whether the credentials this request was authenticated with still are valid: a long-poll or an
   * event stream that outlives the revocation (or expiry) of its token or certificate ends instead.
   */
  public boolean credentialsStillValid() {
    return authentication.stillValid(caller);
  }

  /** Who authenticated this request, and the limits and credentials it checks. */
  public Authentication authentication() {
    return authentication;
  }

  /**
   * Where an answer that neither blocks nor waits for anything (a held watch's, once it is woken)
   * may run: the connection's event loop, so that a fan-out to thousands of watches starts no
   * thread per answer.
   */
  public java.util.concurrent.Executor answering() {
    return exchange.eventLoop();
  }

  /** Runs {@code action} if the client closes the connection before this request is answered. */
  public void whenClientGone(Runnable action) {
    exchange.whenClientGone(action);
  }

  /** Takes one of the caller's watch slots until closed (a 429 if none is free). */
  public Authentication.Slot watchSlot() {
    return authentication.watchSlot(caller);
  }

  public Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name));
  }

  public boolean flag(String name) {
    String value = query.get(name);
    if (value == null) {
      return false;
    }
    return switch (value) {
      case "", "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new InvalidInputException(
          "invalid_parameter", "query parameter '" + name + "' must be true or false, was '" + Excerpt.of(value) + "'");
    };
  }

  public Optional<Revision> revision(String name) {
    return query(name).map(value -> Revision.parse(value, "query parameter '" + name + "'"));
  }

  public int intParam(String name, int fallback, int min, int max) {
    Optional<String> value = query(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("invalid_parameter",
          "query parameter '" + name + "' must be a number from " + min + " to " + max + ", was '"
              + Excerpt.of(value.get()) + "'");
    }
  }

  public Optional<String> header(String name) {
    return exchange.header(name);
  }

  /** The media type of the body without parameters, lower case; empty if none was sent. */
  public String contentType() {
    return header("Content-Type").map(type -> type.split(";")[0].strip().toLowerCase()).orElse("");
  }

  /** The body, refused with 413 if it is longer than {@code limit} bytes. */
  public byte[] body(int limit) {
    byte[] bytes = exchange.body();
    if (bytes.length > limit) {
      throw new ApiException(413, "too_large", "request body is larger than the " + limit + "-byte limit");
    }
    return bytes;
  }

  /** The body as UTF-8 text; a 400 if it is not valid UTF-8 (it is never stored with replacement characters). */
  public String bodyText(int limit) {
    return io.fleetconf.core.Utf8.decode(body(limit))
        .orElseThrow(() -> new InvalidInputException("invalid_encoding", "the request body is not valid UTF-8"));
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : List.of(raw.split("&"))) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid_parameter", "malformed percent-encoding in the query string");
    }
  }
}
