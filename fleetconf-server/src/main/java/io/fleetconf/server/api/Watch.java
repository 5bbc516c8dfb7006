package io.fleetconf.server.api;

import io.fleetconf.core.Excerpt;
import io.fleetconf.core.Durations;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Revision;
import io.fleetconf.server.Replica;
import io.fleetconf.server.View;
import io.fleetconf.server.WatchHub;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Authentication;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;

/**
 * Adapts a request to the watch hub: long-polls ({@code index} and {@code wait}, as Consul's
 * blocking queries) and Server-Sent Events ({@code Accept: text/event-stream}, resuming from
 * {@code Last-Event-ID}).
 */
public final class Watch {
  static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  static final Duration MAX_WAIT = Duration.ofMinutes(10);
  static final Duration KEEP_ALIVE = Duration.ofSeconds(25);

  /** What a watched read rendered: the body, and the revision it is as of. */
  record Rendered(Response response, Revision revision) {}

  private Watch() {}

  /** The {@code index} a long-poll resumes from, if this request is one. */
  public static Optional<Revision> index(Request request) {
    return request.revision("index");
  }

  /**
   * Answers with {@code answer} once the view changes after {@code index}, or the wait (plus up to
   * 1/16 of it as jitter, so that a fleet does not come back in lockstep) passes. The held request
   * takes no thread while it waits.
   */
  public static Response afterChange(Replica replica, Request request, View view, Revision index,
      Function<WatchHub.WaitEnd, Response> answer) {
    return afterChange(replica, request, view, index, answer, WatchHub.ANSWERING);
  }

  /**
   * As {@link #afterChange(Replica, Request, View, Revision, Function)}, for an {@code answer} that
   * never blocks and costs little (a device's config, rendered once per snapshot for every device
   * that shares it): it runs on the connection's event loop, so that a fan-out to thousands of
   * watches starts no thread per answer and each write goes out where it is made.
   */
  static Response afterChangeOnEventLoop(Replica replica, Request request, View view, Revision index,
      Function<WatchHub.WaitEnd, Response> answer) {
    return afterChange(replica, request, view, index, answer, request.answering());
  }

  private static Response afterChange(Replica replica, Request request, View view, Revision index,
      Function<WatchHub.WaitEnd, Response> answer, java.util.concurrent.Executor answering) {
    if (index.isAfter(replica.snapshot().revision())) {
      return answer.apply(WatchHub.WaitEnd.CHANGED); // an index from the future: answer so the caller resets
    }
    Duration wait = waitOf(request);
    long jitter = ThreadLocalRandom.current().nextLong(wait.toMillis() / 16 + 1);
    Authentication.Slot slot = request.watchSlot();
    WatchHub.Watching watching = replica.watches().watch(view, index, wait.plusMillis(jitter), answering);
    request.whenClientGone(watching.letGo()); // else a closed connection's watch stays held until its wait ends
    return Response.later(watching.answer()
        .whenComplete((outcome, failure) -> slot.close())
        .thenApply(outcome -> {
          requireStillValid(replica, request);
          return answer.apply(outcome);
        }));
  }

  private static void requireStillValid(Replica replica, Request request) {
    if (!replica.ready()) {
      throw Router.unavailable();
    }
    if (!request.credentialsStillValid()) {
      throw new ApiException(401, "unauthorized", "the credentials of this request were revoked or expired");
    }
  }

  static Duration waitOf(Request request) {
    Duration wait = request.query("wait").map(text -> parseDuration(text, "wait")).orElse(DEFAULT_WAIT);
    return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
  }

  /** A duration query parameter: {@code 500ms}, {@code 30s}, {@code 5m}, or a bare number of seconds. */
  static Duration parseDuration(String text, String name) {
    return Durations.parse(text, ChronoUnit.SECONDS).orElseThrow(() -> new InvalidInputException("invalid_parameter",
        "query parameter '" + name + "' must be a duration such as 30s, 5m or 500ms, was '" + Excerpt.of(text) + "'"));
  }

  static boolean wantsEvents(Request request) {
    return request.header("Accept").map(accept -> accept.contains("text/event-stream")).orElse(false);
  }

  /**
   * A stream of the view: one event whenever it changes, each with the revision as its id; a
   * comment line keeps idle connections open. Starts with the current view unless the caller
   * resumes ({@code Last-Event-ID} or {@code index}) from a revision that already has it.
   */
  static Response events(Replica replica, Request request, View view, Function<Boolean, Rendered> render) {
    Optional<Revision> resume = request.header("Last-Event-ID")
        .map(id -> Revision.parse(id, "header Last-Event-ID"))
        .or(() -> index(request));
    Authentication.Slot slot = request.watchSlot();
    return Response.stream("text/event-stream", out -> {
      Thread streaming = Thread.currentThread();
      request.whenClientGone(streaming::interrupt); // ends the wait between events: the stream is let go at once
      try (slot) {
        stream(replica, request, view, render, resume, out);
      }
    });
  }

  private static void stream(Replica replica, Request request, View view, Function<Boolean, Rendered> render,
      Optional<Revision> resume, OutputStream out) throws IOException {
    Optional<Revision> last = resume;
    boolean resync = false;
    while (!replica.watches().isClosed() && replica.ready() && request.credentialsStillValid()) {
      if (last.isPresent()) {
        WatchHub.WaitEnd ended;
        try {
          ended = replica.watches().await(view, last.get(), KEEP_ALIVE);
        } catch (InterruptedException e) {
          return;
        }
        if (!replica.ready() || !request.credentialsStillValid()) {
          return; // revoked while the stream was open, or the database lost: end it
        }
        if (!ended.changed()) {
          write(out, ": keep-alive\n\n");
          continue;
        }
        resync = ended.resync();
      }
      Rendered rendered = render.apply(resync);
      StringBuilder event = new StringBuilder("id: ").append(rendered.revision()).append("\nevent: config\n");
      new String(rendered.response().body(), StandardCharsets.UTF_8).strip().lines()
          .forEach(line -> event.append("data: ").append(line).append('\n'));
      write(out, event.append('\n').toString());
      last = Optional.of(rendered.revision());
      resync = false;
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
