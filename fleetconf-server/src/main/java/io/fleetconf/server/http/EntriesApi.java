package io.fleetconf.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Fleet;
import io.fleetconf.store.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code /api/v1/entries/<scope>/<path>} and {@code /api/v1/changes}: the raw key tree. */
final class EntriesApi {
  private static final String BASE = "/api/v1/entries";
  private final Fleet fleet;

  EntriesApi(Fleet fleet) {
    this.fleet = fleet;
  }

  void register(Router router) {
    router.on("GET", BASE, this::get)
        .under("GET", BASE, this::get)
        .under("PUT", BASE, this::put)
        .under("DELETE", BASE, this::delete)
        .on("POST", "/api/v1/changes", this::batch);
  }

  private Response get(Request request) {
    boolean recurse = request.flag("recurse");
    Key prefix = recurse && request.tail().isEmpty() ? null
        : recurse ? Key.parsePrefix(request.tail()) : Key.parse(request.tail());
    Optional<io.fleetconf.core.Revision> index = Watch.index(request);
    boolean resync = false;
    if (index.isPresent()) {
      if (prefix == null) {
        throw new io.fleetconf.core.InvalidInputException(
            "invalid_parameter", "watch a scope or a key, not every entry at once");
      }
      resync = Watch.hold(fleet, request, new io.fleetconf.server.View.Prefix(prefix), index.get()).resync();
    }
    Response response = read(request, recurse);
    return resync ? response.with("X-Fleetconf-Resync", "true") : response;
  }

  private Response read(Request request, boolean recurse) {
    var snapshot = fleet.snapshot();
    if (recurse) {
      List<Entry> entries = request.tail().isEmpty()
          ? snapshot.allEntries()
          : snapshot.entriesUnder(Key.parsePrefix(request.tail()));
      ObjectNode body = Wire.object();
      body.put("revision", snapshot.revision().value());
      ArrayNode list = body.putArray("entries");
      entries.forEach(entry -> list.add(Wire.entry(entry)));
      return Response.ok(body).at(snapshot.revision());
    }
    Key key = Key.parse(request.tail());
    Entry entry = snapshot.entry(key)
        .orElseThrow(() -> new NotFoundException("key '" + key + "' does not exist"));
    return Response.ok(Wire.entry(entry)).at(snapshot.revision());
  }

  private Response put(Request request) {
    Key key = Key.parse(request.tail());
    JsonNode value = Bodies.value(request);
    ChangeSet done = commit(request, new Mutation.Put(key, value, request.revision("cas")));
    ObjectNode body = Wire.object();
    body.put("revision", done.revision().value());
    fleet.snapshot().entry(key).ifPresent(entry -> body.set("entry", Wire.entry(entry)));
    return Response.ok(body).at(done.revision());
  }

  private Response delete(Request request) {
    Mutation mutation = request.flag("recurse")
        ? new Mutation.DeleteTree(Key.parsePrefix(request.tail()))
        : new Mutation.Delete(Key.parse(request.tail()), request.revision("cas"));
    ChangeSet done = commit(request, mutation);
    ObjectNode body = Wire.object();
    body.put("revision", done.revision().value());
    body.put("deleted", done.changes().size());
    return Response.ok(body).at(done.revision());
  }

  private ChangeSet commit(Request request, Mutation mutation) {
    String message = request.query("message").orElse("");
    return fleet.commit(new Proposal(request.principal(), message, "api", List.of(mutation)));
  }

  private Response batch(Request request) {
    JsonNode body = Bodies.object(request);
    JsonNode operations = body.get("operations");
    if (operations == null || !operations.isArray()) {
      throw new InvalidInputException("invalid_body", "field 'operations' must be an array");
    }
    List<Mutation> mutations = new ArrayList<>();
    for (int i = 0; i < operations.size(); i++) {
      mutations.add(operation(operations.get(i), "operations[" + i + "]"));
    }
    String message = Bodies.optionalText(body, "message").orElse("");
    ChangeSet done = fleet.commit(new Proposal(request.principal(), message, "api", mutations));
    ObjectNode out = Wire.object();
    out.put("revision", done.revision().value());
    out.put("changes", done.changes().size());
    return Response.ok(out).at(done.revision());
  }

  private static Mutation operation(JsonNode op, String where) {
    if (!op.isObject()) {
      throw new InvalidInputException("invalid_body", where + " must be an object");
    }
    String kind = Bodies.optionalText(op, "op").orElse("");
    String key = Bodies.optionalText(op, "key")
        .orElseThrow(() -> new InvalidInputException("invalid_body", where + ".key is required"));
    Optional<io.fleetconf.core.Revision> cas = Bodies.optionalRevision(op, "cas");
    return switch (kind) {
      case "put" -> {
        JsonNode value = op.get("value");
        if (value == null) {
          throw new InvalidInputException("invalid_body", where + ".value is required for put");
        }
        yield new Mutation.Put(Key.parse(key), Bodies.checkSize(value, where + ".value"), cas);
      }
      case "delete" -> new Mutation.Delete(Key.parse(key), cas);
      case "delete-tree" -> new Mutation.DeleteTree(Key.parsePrefix(key));
      default -> throw new InvalidInputException(
          "invalid_body", where + ".op must be put, delete or delete-tree, was '" + kind + "'");
    };
  }
}
