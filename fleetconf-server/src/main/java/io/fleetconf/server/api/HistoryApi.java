package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.server.OwnedKeyException;
import io.fleetconf.server.RevisionDiffs;
import io.fleetconf.server.Replica;
import io.fleetconf.server.RollbackPlanner;
import java.util.List;
import java.util.Optional;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;

/** History, one change set, diffs, rollback and restore. */
final class HistoryApi {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 1000;
  private final Replica replica;
  private final RollbackPlanner rollbacks;
  /** The most commits a refused restore names for {@code git revert}. */
  private static final int MAX_REVERTED = 100;
  private final RevisionDiffs diffs;

  HistoryApi(Replica replica) {
    this.replica = replica;
    this.rollbacks = new RollbackPlanner(replica);
    this.diffs = new RevisionDiffs(replica.store());
  }

  void register(Router router) {
    router.on("GET", "/api/v1/history", this::history)
        .on("GET", "/api/v1/changes", this::feed)
        .under("GET", "/api/v1/changes", this::changeSet)
        .on("GET", "/api/v1/diff", this::diff)
        .on("POST", "/api/v1/rollback", this::rollback)
        .on("POST", "/api/v1/restore", this::restore);
  }

  private Response history(Request request) {
    Optional<Key> prefix = request.query("prefix").filter(p -> !p.isEmpty()).map(Key::parsePrefix);
    int limit = request.intParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Revision before = request.revision("before").orElse(Revision.of(Long.MAX_VALUE));
    ApiJson.Sight sight = Access.sight(request);
    return changeSets(replica.store().history(prefix, before, limit), sight);
  }

  private Response changeSet(Request request) {
    Revision revision = Revision.parse(request.tail(), "the revision in the path");
    ApiJson.Sight sight = Access.sight(request);
    return Response.ok(ApiJson.changeSet(rollbacks.changeSet(revision), sight)).at(replica.snapshot().revision());
  }

  /** The change feed: change sets after {@code since}, oldest first. */
  private Response feed(Request request) {
    Revision since = required(request, "since");
    int limit = request.intParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    ApiJson.Sight sight = Access.sight(request);
    return changeSets(replica.store().changesSince(since, limit), sight);
  }

  private Response changeSets(List<ChangeSet> changeSets, ApiJson.Sight sight) {
    ObjectNode body = ApiJson.object();
    body.put("revision", replica.snapshot().revision().value());
    ArrayNode list = body.putArray("changeSets");
    changeSets.forEach(changeSet -> list.add(ApiJson.changeSet(changeSet, sight)));
    return Response.ok(body).at(replica.snapshot().revision());
  }

  private Response diff(Request request) {
    Optional<String> device = request.query("device");
    ApiJson.Sight sight = device.isPresent() ? Access.deviceSight(request, device.get()) : Access.sight(request);
    Revision from = rollbacks.existing(required(request, "from"));
    Revision to = rollbacks.existing(request.revision("to").orElse(replica.snapshot().revision()));
    ObjectNode body = ApiJson.object();
    body.put("from", from.value());
    body.put("to", to.value());
    ArrayNode list = body.putArray("differences");
    if (device.isPresent()) {
      Optional<String> namespace = request.query("namespace").filter(n -> !n.isEmpty());
      namespace.ifPresent(KeyPath::parse);
      body.put("device", device.get());
      diffs.effective(from, to, DeviceId.of(device.get()), namespace, sight.secrets())
          .forEach(d -> list.add(ApiJson.difference(d.name(), "path", d.from(), d.to())));
    } else {
      Optional<Key> prefix = request.query("prefix").filter(p -> !p.isEmpty()).map(Key::parsePrefix);
      diffs.raw(from, to, prefix, sight.secrets()).stream().filter(d -> sight.keys().test(Key.parse(d.name())))
          .forEach(d -> list.add(ApiJson.difference(d.name(), "key", d.from(), d.to())));
    }
    return Response.ok(body);
  }

  private Response rollback(Request request) {
    Access.operator(request, "roll back changes");
    JsonNode body = Bodies.object(request);
    Revision target = Bodies.revision(body, "revision");
    Access.rollBack(request, rollbacks.changeSet(target)); // before planning: its conflicts would name keys
    // What a Git source owns is refused with the revert to run, before "changed since" (a later commit).
    List<Mutation> all = rollbacks.rollback(target, true);
    Access.write(request, all);
    refuseGitOwned(request, all, "revision " + target, () -> rollbacks.changeSet(target).commit().stream().toList());
    List<Mutation> mutations = rollbacks.rollback(target, Bodies.flag(body, "force"));
    String message = Bodies.optionalText(body, "message").orElse("roll back revision " + target);
    return Changes.make(replica, request, new Proposal(request.principal(), message, "rollback of " + target,
        mutations), HistoryApi::committed);
  }

  /** Refuses undoing what a Git source owns, naming the {@code git revert} that undoes it in the repository. */
  private void refuseGitOwned(Request request, List<Mutation> mutations, String undoing,
      java.util.function.Supplier<List<String>> commits) {
    try {
      replica.checkGuard(new Proposal(request.principal(), "undo " + undoing, "rollback", mutations));
    } catch (OwnedKeyException owned) {
      throw owned.revertInstead(undoing, commits.get());
    }
  }

  private Response restore(Request request) {
    Access.operator(request, "restore entries");
    JsonNode body = Bodies.object(request);
    Key prefix = Key.parsePrefix(Bodies.text(body, "prefix"));
    Revision at = Bodies.revision(body, "revision");
    Access.writeTree(request, prefix); // on the prefix asked for, never on what it holds
    List<Mutation> mutations = rollbacks.restore(prefix, at);
    // The requirements of its keys too, which live outside it (plain/fleetconf/requires/...), as the server writes them.
    List<Mutation> requirements = rollbacks.restoreRequirements(prefix, at);
    if (mutations.isEmpty() && requirements.isEmpty()) {
      ObjectNode out = ApiJson.object();
      out.put("revision", replica.snapshot().revision().value());
      out.put("changes", 0);
      return Response.ok(out);
    }
    String message = Bodies.optionalText(body, "message").orElse("restore " + prefix + " to revision " + at);
    Access.write(request, mutations);
    refuseGitOwned(request, mutations, "the changes to " + prefix + " since revision " + at,
        () -> commitsSince(prefix, at));
    List<Mutation> all = new java.util.ArrayList<>(mutations);
    all.addAll(requirements);
    return Changes.make(replica, request, new Proposal(request.principal(), message,
        "restore of " + prefix + " to " + at, all), HistoryApi::committed);
  }

  /** The Git commits that changed something at or below {@code prefix} after {@code at}, newest first. */
  private List<String> commitsSince(Key prefix, Revision at) {
    return replica.store().history(Optional.of(prefix), replica.snapshot().revision().next(), MAX_REVERTED).stream()
        .filter(changeSet -> changeSet.revision().isAfter(at))
        .flatMap(changeSet -> changeSet.commit().stream()).distinct().toList();
  }

  private static Response committed(ChangeSet done) {
    ObjectNode out = ApiJson.object();
    out.put("revision", done.revision().value());
    out.put("changes", done.changes().size());
    return Response.ok(out).at(done.revision());
  }

  private static Revision required(Request request, String name) {
    return request.revision(name).orElseThrow(
        () -> new InvalidInputException("invalid_parameter", "query parameter '" + name + "' is required"));
  }
}
