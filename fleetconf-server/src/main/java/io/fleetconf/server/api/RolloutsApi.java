package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.server.Rollout;
import io.fleetconf.server.Rollouts;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code /api/v1/rollouts}: the rollouts, newest first; one rollout; and its controls
 * ({@code POST /api/v1/rollouts/<id>/pause|resume|abort|promote}). A rollout starts from a write
 * ({@code ?rollout=<policy>} or its namespace's policy), not here.
 */
final class RolloutsApi {
  private static final String BASE = "/api/v1/rollouts";
  private final Rollouts rollouts;

  RolloutsApi(Rollouts rollouts) {
    this.rollouts = rollouts;
  }

  void register(Router router) {
    router.on("GET", BASE, this::list).under("GET", BASE, this::get).under("POST", BASE, this::control);
  }

  private Response list(Request request) {
    ObjectNode out = ApiJson.object();
    var items = out.putArray("rollouts");
    rollouts.progress(rollouts.list().stream().filter(r -> readable(request, r)).toList())
        .forEach(p -> items.add(p.toJson()));
    return Response.ok(out);
  }

  private Response get(Request request) {
    Rollout rollout = rollouts.get(request.tail());
    readAll(request, rollout);
    return Response.ok(rollouts.progress(rollout).toJson());
  }

  private Response control(Request request) {
    List<String> parts = List.of(request.tail().split("/", -1));
    if (parts.size() != 2) {
      throw new InvalidInputException("invalid_path", "POST " + BASE + "/<id>/pause|resume|abort|promote");
    }
    BiFunction<String, String, Rollout> action = switch (parts.get(1)) {
      case "pause" -> rollouts::pause;
      case "resume" -> rollouts::resume;
      case "abort" -> rollouts::abort;
      case "promote" -> rollouts::promote;
      default -> throw new InvalidInputException("invalid_path", "a rollout's actions are pause, resume, abort and"
          + " promote, not '" + io.fleetconf.core.Excerpt.of(parts.get(1)) + "'");
    };
    Rollout rollout = rollouts.get(parts.get(0));
    rollout.changes().forEach(held -> Access.writeKey(request, held.key())); // steering it is writing them
    return Response.ok(rollouts.progress(action.apply(parts.get(0), request.principal())).toJson());
  }

  private static boolean readable(Request request, Rollout rollout) {
    return rollout.changes().stream().allMatch(held -> Access.mayRead(request, held.key()));
  }

  private static void readAll(Request request, Rollout rollout) {
    rollout.changes().forEach(held -> Access.readKey(request, held.key()));
  }

}
