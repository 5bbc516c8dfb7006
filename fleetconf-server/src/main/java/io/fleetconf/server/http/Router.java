package io.fleetconf.server.http;

import io.fleetconf.api.ErrorBody;
import io.fleetconf.core.Excerpt;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.fleetconf.server.security.Caller;
import io.fleetconf.server.security.Certificates;

/**
 * Dispatches requests to handlers by method and path prefix, authenticates them, and is the one
 * place where exceptions become status codes and the {@code {"error", "message"}} shape.
 */
public final class Router {
  private static final System.Logger LOG = System.getLogger(Router.class.getName());
  /**
   * The access log: a line per answered request, off unless turned on ({@code --access-log}, or the
   * logging API); java.util.logging's own type, since its level is set here when nobody set it.
   */
  private static final java.util.logging.Logger ACCESS = java.util.logging.Logger.getLogger("io.fleetconf.access");

  static {
    if (ACCESS.getLevel() == null) {
      ACCESS.setLevel(java.util.logging.Level.OFF);
    }
  }

  /** Turns a request into a response; may throw the exceptions {@link #failure} maps. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  /**
   * Hears of every answer, with the route that took it (its registered path, so a bounded set;
   * {@code unmatched} for none), and of every failed authentication. Called on the thread that
   * answers; must not block.
   */
  public interface Observer {
    Observer NONE = new Observer() {
      @Override
      public void answered(String method, String route, int status, long nanos) {}

      @Override
      public void authenticationFailed() {}
    };

    void answered(String method, String route, int status, long nanos);

    void authenticationFailed();
  }

  private record Route(String method, String path, boolean withTail, boolean open, Handler handler) {
    String label() {
      return withTail ? path + "/*" : path;
    }

    Optional<String> match(String requestPath) {
      if (requestPath.equals(path)) {
        return Optional.of("");
      }
      if (withTail && requestPath.startsWith(path + "/")) {
        return Optional.of(requestPath.substring(path.length() + 1));
      }
      return Optional.empty();
    }
  }

  /** Longer request paths get a 414 before any routing. */
  static final int MAX_PATH = 4096;
  private final List<Route> routes = new ArrayList<>();
  private final Authentication authentication;
  private final java.util.function.BooleanSupplier ready;
  private volatile Observer observer = Observer.NONE;

  /** @param ready false while the server cannot answer as current (a replica without its database) */
  public Router(Authentication authentication, java.util.function.BooleanSupplier ready) {
    this.authentication = authentication;
    this.ready = ready;
  }

  /**
   * Requests a handler answers without blocking, whatever the store does: such a request is handled
   * on the event loop that read it, with no thread of its own (a fleet's long-polls, re-issued by
   * thousands of devices after every change).
   */
  @FunctionalInterface
  public interface NonBlocking {
    /** Whether a request with this method, target and headers ({@code header} by name) never blocks. */
    boolean test(String method, java.net.URI target, java.util.function.Function<String, Optional<String>> header);
  }

  private final List<NonBlocking> nonBlocking = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Marks the requests {@code which} selects as answered without blocking (see {@link NonBlocking}). */
  public Router nonBlocking(NonBlocking which) {
    nonBlocking.add(which);
    return this;
  }

  /** Whether {@code exchange} may be handled on its event loop. */
  boolean handledInline(Exchange exchange) {
    for (NonBlocking which : nonBlocking) {
      if (which.test(exchange.method(), exchange.uri(), exchange::header)) {
        return true;
      }
    }
    return false;
  }

  /** A route for exactly {@code path}. */
  public Router on(String method, String path, Handler handler) {
    routes.add(new Route(method, path, false, false, handler));
    return this;
  }

  /** A route for {@code path} and everything below it; the rest is {@link Request#tail()}. */
  public Router under(String method, String path, Handler handler) {
    routes.add(new Route(method, path, true, false, handler));
    return this;
  }

  /** A route that needs no token (health, the API description). */
  public Router open(String method, String path, Handler handler) {
    routes.add(new Route(method, path, false, true, handler));
    return this;
  }

  /** Tells {@code observer} of every answer from now on (metrics). */
  public void observe(Observer observer) {
    this.observer = observer;
  }

  /** What a request was taken as: its route's label and who sent it, for metrics and the access log. */
  private static final class Taken {
    final long start = System.nanoTime();
    String route = "unmatched";
    String who = "-";
  }

  /** Answers {@code exchange}, now or (a held request) when its answer completes. */
  void handle(Exchange exchange) throws IOException {
    Taken taken = new Taken();
    Response response;
    try {
      response = dispatch(exchange, taken);
    } catch (RuntimeException | Error e) {
      response = failure(e);
    }
    if (response.later().isPresent()) {
      // A held request: this thread is done; whoever completes the answer sends it. The
      // exchange stays open until it is answered.
      response.later().get().whenComplete((answer, failed) -> sendLater(exchange, answer, failed, taken));
      return;
    }
    send(exchange, response);
    answered(exchange, response, taken);
  }

  private void sendLater(Exchange exchange, Response answer, Throwable failed, Taken taken) {
    Throwable cause = failed instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null
        ? wrapped.getCause() : failed;
    Response response = cause == null ? answer : failure(cause);
    try {
      send(exchange, response);
    } catch (IOException | RuntimeException gone) {
      exchange.close(); // the client went away while it waited
    }
    answered(exchange, response, taken);
  }

  private void answered(Exchange exchange, Response response, Taken taken) {
    long nanos = System.nanoTime() - taken.start;
    observer.answered(exchange.method(), taken.route, response.status(), nanos);
    if (ACCESS.isLoggable(java.util.logging.Level.INFO)) {
      ACCESS.info(exchange.method() + " " + Authentication.printablePath(exchange) + " " + response.status() + " "
          + String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6) + " ms " + taken.who + " "
          + Authentication.address(exchange));
    }
  }

  private static String who(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> "operator:" + operator.name();
      case Caller.Device device -> "device:" + device.id().value();
      case Caller.Anonymous anonymous -> "anonymous";
    };
  }

  /** The answer to {@code exchange}; notes in {@code taken} the route that takes it and the caller. */
  private Response dispatch(Exchange exchange, Taken taken) {
    authentication.admitAddress(exchange);
    if (exchange.uri().getRawAuthority() != null || exchange.uri().getScheme() != null) {
      // '//host/api/...' would otherwise be read as a host and a path a proxy's rules never saw.
      throw new ApiException(400, "bad_request", "the request target must be a path starting with a single '/'");
    }
    String rawPath = exchange.uri().getRawPath();
    if (rawPath == null || rawPath.length() > MAX_PATH) {
      throw new ApiException(414, "uri_too_long", "the request path is longer than " + MAX_PATH + " characters");
    }
    String path = exchange.uri().getPath();
    String method = exchange.method();
    boolean pathKnown = false;
    for (Route candidate : routes) {
      Optional<String> tail = candidate.match(path);
      if (tail.isEmpty()) {
        continue;
      }
      pathKnown = true;
      taken.route = candidate.label();
      // HEAD is GET without the body (send() leaves it out).
      if (candidate.method.equals(method) || (method.equals("HEAD") && candidate.method.equals("GET"))) {
        if (!candidate.open && !ready.getAsBoolean()) {
          throw unavailable();
        }
        Caller caller = candidate.open ? new Caller.Anonymous() : authenticate(exchange, path);
        taken.who = who(caller);
        return candidate.handler.handle(new Request(exchange, tail.get(), caller, authentication));
      }
    }
    if (pathKnown) {
      throw new ApiException(405, "method_not_allowed",
          Excerpt.of(method) + " is not allowed on " + Excerpt.of(path));
    }
    throw new ApiException(404, "not_found", "no such endpoint: " + Excerpt.of(path));
  }

  /** Consul answers a missing or unknown token with 403 ("ACL not found"); its clients expect that on /v1. */
  private Caller authenticate(Exchange exchange, String path) {
    try {
      return authentication.authenticate(exchange);
    } catch (ApiException refused) {
      if (refused.status() == 401) {
        observer.authenticationFailed();
      }
      if (refused.status() == 401 && path.startsWith("/v1/")) {
        throw new ApiException(403, "acl_not_found", "ACL not found: " + refused.getMessage());
      }
      throw refused;
    }
  }

  public static ApiException unavailable() {
    return new ApiException(503, "unavailable", "this server has lost its database and cannot answer as current;"
        + " retry, or use another server", java.util.Map.of("Retry-After", "1"));
  }

  static Response failure(Throwable e) {
    return switch (e) {
      case ApiException api -> {
        Response response = error(api.status(), api.code(), api.getMessage());
        for (var header : api.headers().entrySet()) {
          response = response.with(header.getKey(), header.getValue());
        }
        yield response;
      }
      case Certificates.EnrolmentRefused refused -> error(403, "enrolment_refused", refused.getMessage());
      case InvalidInputException invalid -> error(400, invalid.code(), invalid.getMessage());
      case NotFoundException missing -> error(404, "not_found", missing.getMessage());
      case ConflictException conflict -> error(409, "conflict", conflict.getMessage());
      case io.fleetconf.server.OwnedKeyException owned -> error(409, "owned_by_git", owned.getMessage());
      case io.fleetconf.server.Rollouts.HeldKeyException held -> error(409, "held_by_rollout", held.getMessage());
      case io.fleetconf.store.StoreUnavailableException gone -> {
        LOG.log(System.Logger.Level.WARNING, "request failed: " + gone.getMessage());
        yield failure(unavailable());
      }
      default -> {
        // An Error too: the JDK server would rethrow it and leave the connection open, the client waiting forever.
        LOG.log(System.Logger.Level.ERROR, "request failed", e);
        yield error(500, "internal", "internal error; see the server log");
      }
    };
  }

  public static Response error(int status, String code, String message) {
    return Response.json(status, new ErrorBody(code, message).toJson());
  }

  private static void send(Exchange exchange, Response response) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", response.mediaType());
    headers.put("Cache-Control", "no-store");
    response.revision().ifPresent(revision -> headers.put("X-Fleetconf-Revision", revision.toString()));
    headers.putAll(response.headers());
    if (response.streamer().isPresent()) {
      OutputStream out = exchange.stream(response.status(), headers);
      try (out) {
        response.streamer().get().stream(out);
      } catch (IOException gone) {
        // the client closed the stream; nothing to answer
      }
      exchange.close();
      return;
    }
    boolean head = exchange.method().equals("HEAD");
    exchange.respond(response.status(), headers, head ? java.util.List.of() : response.parts());
  }
}
