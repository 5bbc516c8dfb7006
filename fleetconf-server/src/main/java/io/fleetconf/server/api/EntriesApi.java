package io.fleetconf.server.api;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.security.Caller;
import io.fleetconf.server.Holds;
import io.fleetconf.server.View;
import io.fleetconf.server.Replica;
import io.fleetconf.store.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;

/** {@code /api/v1/entries/<scope>/<path>} and {@code /api/v1/changes}: the raw key tree. */
final class EntriesApi {
  private static final String BASE = "/api/v1/entries";
  private final Replica replica;

  EntriesApi(Replica replica) {
    this.replica = replica;
  }

  void register(Router router) {
    router.on("GET", BASE, this::get)
        .under("GET", BASE, this::get)
        .under("PUT", BASE, this::put)
        .under("DELETE", BASE, this::delete)
        .on("POST", "/api/v1/changes", this::batch);
  }

  /** One entry, or with {@code recurse} a subtree (everything, with no path); a long-poll with {@code index}. */
  private Response get(Request request) {
    boolean recurse = request.flag("recurse");
    Optional<Key> target = recurse && request.tail().isEmpty() ? Optional.empty()
        : Optional.of(recurse ? Key.parsePrefix(request.tail()) : Key.parse(request.tail()));
    ApiJson.Sight seen = Access.sight(request);
    // mask=true: a tool that only compares (the Ansible import) asks not to be sent secrets in clear.
    ApiJson.Sight sight = request.flag("mask") ? new ApiJson.Sight(seen.keys(), seen.devices(), false) : seen;
    if (!recurse) {
      Access.readKey(request, target.orElseThrow());
    }
    Optional<Revision> index = Watch.index(request);
    if (index.isEmpty()) {
      return read(target, recurse, sight, false);
    }
    Key watched = target.orElseThrow(() -> new InvalidInputException(
        "invalid_parameter", "watch a scope or a key, not every entry at once"));
    if (recurse) {
      Access.readTree(request, watched); // else the wake-ups would tell of changes it may not read
    }
    return Watch.afterChange(replica, request, new View.Prefix(watched), index.get(),
        outcome -> read(target, recurse, sight, outcome.resync()));
  }

  private Response read(Optional<Key> target, boolean recurse, ApiJson.Sight sight, boolean resync) {
    Snapshot snapshot = replica.snapshot();
    Response response;
    if (recurse) {
      List<Entry> entries = target.map(snapshot::entriesUnder).orElseGet(snapshot::allEntries).stream()
          .filter(entry -> sight.keys().test(entry.key())).toList();
      ObjectNode body = ApiJson.object();
      body.put("revision", snapshot.revision().value());
      if (resync) {
        body.put("resync", true);
      }
      ArrayNode list = body.putArray("entries");
      entries.forEach(entry -> list.add(ApiJson.entry(entry, sight.secrets())));
      response = Response.ok(body);
    } else {
      Key key = target.orElseThrow();
      response = Response.ok(snapshot.entry(key).map(entry -> ApiJson.entry(entry, sight.secrets()))
          .orElseGet(() -> inside(snapshot, key, sight.secrets())));
    }
    response = response.at(snapshot.revision());
    return resync ? response.with("X-Fleetconf-Resync", "true") : response;
  }

  /**
   * A key that is no entry but a path inside an object stored above it in the same scope, read as
   * a device's config reads it (the scope's {@link Layer}): the value there, with {@code from}
   * naming the entry that holds it and that entry's revisions.
   */
  private static ObjectNode inside(Snapshot snapshot, Key key, boolean reveal) {
    NotFoundException missing = new NotFoundException("key '" + key + "' does not exist");
    Layer.Found found = snapshot.layer(key.scope()).at(key.path()).orElseThrow(() -> missing);
    Entry holder = snapshot.entry(found.origin().key()).orElseThrow(() -> missing);
    ObjectNode out = ApiJson.entry(holder, reveal);
    out.put("key", key.toString());
    out.put("path", key.path().toString());
    out.set("value", holder.secret() && !reveal ? ApiJson.MASK : found.value());
    out.put("from", holder.key().toString());
    return out;
  }

  private Response put(Request request) {
    Key key = Key.parse(request.tail());
    JsonNode value = Bodies.value(request);
    // replace: set when the request says it, kept as it is when it does not (docs/api.md).
    Optional<Boolean> replace = request.query("replace").map(given -> request.flag("replace"));
    Mutation.Put put = new Mutation.Put(key, value, request.revision("cas"), request.flag("secret"),
        java.util.OptionalLong.empty(), replace);
    Access.write(request, List.of(put));
    // requires=<service> <op> <version>: devices below it keep what they had (docs/safe-changes.md).
    List<Mutation> mutations = request.query("requires")
        .map(requires -> Holds.put(replica.snapshot(), put, requires)).orElse(List.of(put));
    if (mutations.size() > 1 && replica.rollouts().policyFor(new Proposal(request.principal(), "", request.source(),
        List.of(put)), request.query("rollout")).isPresent()) {
      throw new InvalidInputException("invalid_rollout", "a value that needs a version cannot go out as a rollout"
          + " (devices below it are held, not waved): write it with rollout=none, or roll it out first and then"
          + " set the requirement");
    }
    return commit(request, mutations, done -> {
      ObjectNode body = ApiJson.object();
      body.put("revision", done.revision().value());
      replica.snapshot().entry(key)
          .ifPresent(entry -> body.set("entry", ApiJson.entry(entry, Access.revealsSecrets(request))));
      return Response.ok(body).at(done.revision());
    });
  }

  private Response delete(Request request) {
    Mutation mutation = request.flag("recurse")
        ? new Mutation.DeleteTree(Key.parsePrefix(request.tail()))
        : new Mutation.Delete(Key.parse(request.tail()), request.revision("cas"));
    Access.write(request, List.of(mutation));
    return commit(request, List.of(mutation), done -> { // a requirement goes with its key (Replica.commit)
      ObjectNode body = ApiJson.object();
      body.put("revision", done.revision().value());
      body.put("deleted", done.changes().size());
      return Response.ok(body).at(done.revision());
    });
  }

  /** Commits what the caller was allowed to write, with what goes with it (checked by the caller). */
  private Response commit(Request request, List<Mutation> mutations, Function<ChangeSet, Response> answer) {
    String message = request.query("message").orElse("");
    return Changes.make(replica, request, new Proposal(request.principal(), message, request.source(), mutations),
        answer);
  }

  private Response batch(Request request) {
    JsonNode body = Bodies.object(request);
    JsonNode operations = body.get("operations");
    if (operations == null || !operations.isArray()) {
      throw new InvalidInputException("invalid_body", "field 'operations' must be an array");
    }
    checkSize(request, operations.size());
    List<Mutation> mutations = new ArrayList<>();
    for (int i = 0; i < operations.size(); i++) {
      mutations.add(operation(operations.get(i), "operations[" + i + "]"));
    }
    String message = Bodies.optionalText(body, "message").orElse("");
    Access.write(request, mutations);
    return Changes.make(replica, request, proposal(request, body, message, mutations),
        done -> {
          mutations.stream().filter(m -> m instanceof Mutation.DeleteDevice)
              .forEach(m -> DevicesApi.revokeCredentials(request, ((Mutation.DeleteDevice) m).id()));
          ObjectNode out = ApiJson.object();
          out.put("revision", done.revision().value());
          out.put("changes", done.changes().size());
          return Response.ok(out).at(done.revision());
        });
  }

  /**
   * The proposal of a batch. A dry run may name the Git {@code commit} it previews ({@code fleetconf
   * git plan}): it is then checked as that commit would be, writes to what a source owns included.
   * Only a source applies commits, so a real write naming one is refused.
   */
  private static Proposal proposal(Request request, JsonNode body, String message, List<Mutation> mutations) {
    Optional<String> commit = Bodies.optionalText(body, "commit");
    if (commit.isEmpty()) {
      return new Proposal(request.principal(), message, request.source(), mutations);
    }
    if (!request.flag("dry_run")) {
      throw new InvalidInputException("invalid_body", "field 'commit' is for dry runs only (dry_run=true):"
          + " only a git source applies commits");
    }
    return Proposal.ofCommit(request.principal(), message, commit.get(), mutations);
  }

  /**
   * A change set may hold {@code --max-operations}; an admin's up to the ceiling a planned rollback
   * has, so that a large import stays one atomic change set (the body limit still applies).
   */
  private static void checkSize(Request request, int size) {
    int max = request.authentication().limits().maxMutations();
    boolean admin = request.caller() instanceof Caller.Operator operator && operator.acl().admin();
    int allowed = admin ? Math.max(max, Proposal.MAX_MUTATIONS) : max;
    if (size > allowed) {
      throw new ApiException(413, "too_many_operations", "a change set holds at most " + allowed
          + " operations, this one has " + size + (admin || max >= Proposal.MAX_MUTATIONS ? ""
          : "; split it, or send it with an admin token (up to " + Proposal.MAX_MUTATIONS + ")"));
    }
  }

  private Mutation operation(JsonNode op, String where) {
    if (!op.isObject()) {
      throw new InvalidInputException("invalid_body", where + " must be an object");
    }
    String kind = Bodies.optionalText(op, "op").orElse("");
    if (DevicesApi.OPERATIONS.contains(kind)) {
      return DevicesApi.mutation(kind, op, where, replica.snapshot());
    }
    if (!List.of("put", "delete", "delete-tree").contains(kind)) {
      throw new InvalidInputException("invalid_body", where + ".op must be one of put, delete, delete-tree, "
          + String.join(", ", DevicesApi.OPERATIONS) + "; was '" + Excerpt.of(kind) + "'");
    }
    String key = Bodies.optionalText(op, "key")
        .orElseThrow(() -> new InvalidInputException("invalid_body", where + ".key is required"));
    Optional<Revision> cas = Bodies.optionalRevision(op, "cas");
    return switch (kind) {
      case "put" -> {
        JsonNode value = op.get("value");
        if (value == null) {
          throw new InvalidInputException("invalid_body", where + ".value is required for put");
        }
        Optional<Boolean> replace = Optional.ofNullable(op.get("replace")).filter(r -> !r.isNull()).map(r -> {
          if (!r.isBoolean()) {
            throw new InvalidInputException("invalid_body", where + ".replace must be true or false");
          }
          return r.asBoolean();
        });
        yield new Mutation.Put(Key.parse(key), Bodies.checkSize(value, where + ".value"), cas,
            op.path("secret").asBoolean(false), java.util.OptionalLong.empty(), replace);
      }
      case "delete" -> new Mutation.Delete(Key.parse(key), cas);
      default -> new Mutation.DeleteTree(Key.parsePrefix(key));
    };
  }
}
