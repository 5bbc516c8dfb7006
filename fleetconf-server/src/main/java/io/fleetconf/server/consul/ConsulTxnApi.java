package io.fleetconf.server.consul;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.server.Replica;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.consul.ConsulKeys;
import io.fleetconf.server.consul.ConsulValues;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.server.api.Access;
import io.fleetconf.server.api.ApiJson;

/**
 * Consul's {@code PUT /v1/txn} for KV operations: one transaction is one change set. Checks
 * ({@code check-index}, {@code check-not-exists}, {@code cas}, {@code delete-cas}, and the keys a
 * {@code get} read) are evaluated inside the store's commit, so that they and the writes are one
 * atomic step, on one server or several.
 */
final class ConsulTxnApi {
  /** Consul's limit on operations in one transaction (128 since Consul 1.14; 64 before). */
  static final int MAX_OPERATIONS = 128;
  private final Replica replica;
  private final ConsulKvApi kv;

  /** One operation, read: what it writes or checks, and what it answers with. */
  private record Op(String verb, String key, List<Mutation> mutations, Optional<String> failure) {}

  /** Why a transaction was rolled back: the operation and Consul's words for it. */
  private record Failure(int index, String what) {}

  ConsulTxnApi(Replica replica, ConsulKvApi kv) {
    this.replica = replica;
    this.kv = kv;
  }

  void register(Router router) {
    router.on("PUT", "/v1/txn", this::txn);
  }

  private Response txn(Request request) {
    ConsulKvApi.refuseDevices(request);
    JsonNode body = Bodies.json(request);
    if (!body.isArray()) {
      throw new InvalidInputException("invalid_body", "a transaction is a JSON array of operations");
    }
    if (body.size() > MAX_OPERATIONS) {
      throw new ApiException(413, "too_many_operations",
          "Transaction contains too many operations (" + body.size() + " > " + MAX_OPERATIONS + ")");
    }
    authorise(body, request);
    Snapshot snapshot = replica.snapshot();
    List<Op> ops = read(body, snapshot, request);
    List<Mutation> mutations = ops.stream().flatMap(op -> op.mutations().stream()).toList();
    Access.write(request, mutations);
    Optional<Failure> failed = firstFailure(ops);
    boolean writes = mutations.stream().anyMatch(m -> !(m instanceof Mutation.Check));
    if (failed.isEmpty() && writes) {
      try {
        replica.commit(ConsulKvApi.proposal(request, mutations));
      } catch (ConflictException | NotFoundException raced) {
        // Another writer got in between our reading and the commit: say which operation no longer holds.
        failed = firstFailure(read(body, replica.snapshot(), request))
            .or(() -> Optional.of(new Failure(0, raced.getMessage())));
      }
    }
    if (failed.isPresent()) {
      return rolledBack(failed.get());
    }
    // A read-only transaction answers from the state it was checked against, a write from the state after it.
    return results(ops, writes ? replica.snapshot() : snapshot, request);
  }

  private static Optional<Failure> firstFailure(List<Op> ops) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).failure().isPresent()) {
        return Optional.of(new Failure(i, ops.get(i).failure().get()));
      }
    }
    return Optional.empty();
  }

  private Response rolledBack(Failure failure) {
    ObjectNode out = ApiJson.object();
    out.putNull("Results");
    ArrayNode errors = out.putArray("Errors");
    errors.addObject().put("OpIndex", failure.index()).put("What", failure.what());
    return ConsulKvApi.consul(Response.json(409, out), Revision.ZERO);
  }

  private Response results(List<Op> ops, Snapshot snapshot, Request request) {
    boolean reveal = Access.revealsSecrets(request);
    ObjectNode out = ApiJson.object();
    ArrayNode results = out.putArray("Results");
    for (Op op : ops) {
      switch (op.verb()) {
        case "set", "cas", "check-index" -> snapshot.entry(kv.keyOf(op.key())).ifPresent(entry -> {
          ObjectNode result = kv.consulEntry(entry, reveal);
          result.putNull("Value"); // as Consul: only reads carry values (check-index answers the entry too)
          results.addObject().set("KV", result);
        });
        case "get" -> snapshot.entry(kv.keyOf(op.key()))
            .ifPresent(entry -> results.addObject().set("KV", kv.consulEntry(entry, reveal)));
        case "get-tree" -> kv.under(snapshot, op.key(), request)
            .forEach(entry -> results.addObject().set("KV", kv.consulEntry(entry, reveal)));
        default -> { } // check-not-exists and deletes answer nothing
      }
    }
    out.putNull("Errors");
    return ConsulKvApi.consul(Response.ok(out), Revision.ZERO);
  }

  /**
   * The keys as an operation sees them: the snapshot, with the transaction's own earlier writes
   * (Consul runs a transaction's operations in order, so a {@code get} after a {@code set} sees it).
   */
  private static final class Working {
    private final Snapshot snapshot;
    /** Keys this transaction wrote so far: true if set, false if deleted. */
    private final Map<Key, Boolean> written = new HashMap<>();

    Working(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    boolean touched(Key key) {
      return written.containsKey(key);
    }

    boolean exists(Key key) {
      return written.getOrDefault(key, snapshot.entry(key).isPresent());
    }

    /** The modify revision of a key the transaction has not touched yet ({@link Revision#ZERO}: absent). */
    Revision modRevision(Key key) {
      return snapshot.entry(key).map(Entry::modRevision).orElse(Revision.ZERO);
    }

    /** The keys with a flat form starting with {@code prefix}, as they stand now. */
    List<Key> under(String prefix, ConsulKeys consulKeys) {
      java.util.Set<Key> keys = new java.util.TreeSet<>();
      snapshot.allEntries().forEach(entry -> keys.add(entry.key()));
      keys.addAll(written.keySet());
      return keys.stream().filter(key -> consulKeys.covers(prefix, key) && exists(key)).toList();
    }
  }

  /** Reads every operation, in order, against {@code snapshot} and the transaction's own earlier writes. */
  private List<Op> read(JsonNode body, Snapshot snapshot, Request request) {
    Working working = new Working(snapshot);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      ops.add(operation(body.get(i), i, working, request));
    }
    return ops;
  }

  /**
   * Refuses the transaction unless the caller may do every operation, decided from the verbs, keys
   * and prefixes alone, before anything is looked up: whether a key exists never changes the answer.
   */
  private void authorise(JsonNode body, Request request) {
    for (int i = 0; i < body.size(); i++) {
      JsonNode op = kvOperation(body.get(i), "operation " + i);
      String verb = GoJson.field(op, "Verb").asText("");
      String raw = GoJson.field(op, "Key").asText("");
      switch (verb) {
        case "set", "cas", "delete", "delete-cas" -> Access.writeKey(request, kv.keyOf(raw));
        case "get", "check-index", "check-not-exists" -> Access.readKey(request, kv.keyOf(raw));
        case "delete-tree" -> Access.writeConsulPrefix(request, raw, kv.keys().rulePrefixes(raw));
        default -> { } // get-tree answers only readable keys; other verbs are refused as they are read
      }
    }
  }

  /** The KV operation of one element of the transaction, found as Consul's Go decoding finds it. */
  private static JsonNode kvOperation(JsonNode node, String where) {
    boolean other = node.isObject() && List.of("Node", "Service", "Check").stream()
        .anyMatch(name -> !GoJson.field(node, name).isMissingNode());
    JsonNode op = node.isObject() ? GoJson.field(node, "KV") : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    if (other || !op.isObject()) {
      throw new InvalidInputException("invalid_body", where + " must be {\"KV\": {...}}: fleetconf's transactions hold"
          + " KV operations only (Node, Service and Check operations are not supported)");
    }
    return op;
  }

  /** Reads one operation: its mutations, and why it fails at this point of the transaction, if it does. */
  private Op operation(JsonNode node, int index, Working working, Request request) {
    String where = "operation " + index;
    JsonNode op = kvOperation(node, where);
    String verb = GoJson.field(op, "Verb").asText("");
    String raw = GoJson.field(op, "Key").asText("");
    if (!GoJson.field(op, "Session").asText("").isEmpty() || List.of("lock", "unlock", "check-session").contains(verb)) {
      throw new ApiException(400, "unsupported", where + ": fleetconf does not support Consul sessions and locks");
    }
    String missing = "key \"" + raw + "\" doesn't exist";
    return switch (verb) {
      case "set", "cas" -> {
        Key key = kv.keyOf(raw);
        Optional<Revision> expected = verb.equals("cas") ? Optional.of(index(op, where)) : Optional.empty();
        // A key this transaction already wrote has the transaction's own index, which no caller can name yet.
        Optional<String> failure = expected.filter(want -> working.touched(key)
                ? working.exists(key) || !want.equals(Revision.ZERO) : !want.equals(working.modRevision(key)))
            .map(want -> "failed to set key \"" + raw + "\", index is stale");
        // Bytes a read of the stored value gave keep it as it is (ConsulValues); not for a key this transaction wrote.
        Optional<JsonNode> current = working.touched(key) ? Optional.empty()
            : replica.snapshot().entry(key).map(io.fleetconf.core.Entry::value);
        working.written.put(key, true);
        yield new Op(verb, raw, List.of(new Mutation.Put(key, ConsulValues.fromBytes(value(op, where), current),
            expected, false, OptionalLong.of(flags(op, where)))), failure);
      }
      case "get" -> {
        Key key = kv.keyOf(raw);
        if (working.touched(key)) {
          yield new Op(verb, raw, List.of(), working.exists(key) ? Optional.empty() : Optional.of(missing));
        }
        Revision actual = working.modRevision(key);
        yield new Op(verb, raw, List.of(new Mutation.Check(key, actual)),
            actual.equals(Revision.ZERO) ? Optional.of(missing) : Optional.empty());
      }
      case "get-tree" -> new Op(verb, raw, List.of(), Optional.empty());
      case "check-index" -> {
        Key key = kv.keyOf(raw);
        Revision want = index(op, where);
        if (!working.exists(key)) {
          yield new Op(verb, raw, List.of(), Optional.of("failed to check index, " + missing));
        }
        if (working.touched(key)) {
          yield new Op(verb, raw, List.of(), Optional.of("failed index check for key \"" + raw + "\": it is written"
              + " earlier in this transaction, whose index is not known yet"));
        }
        Revision actual = working.modRevision(key);
        yield new Op(verb, raw, List.of(new Mutation.Check(key, want)), want.equals(actual) ? Optional.empty()
            : Optional.of("failed index check for key \"" + raw + "\", current modify index " + actual + " != " + want));
      }
      case "check-not-exists" -> {
        Key key = kv.keyOf(raw);
        Optional<String> failure = working.exists(key) ? Optional.of("key \"" + raw + "\" exists") : Optional.empty();
        yield new Op(verb, raw, working.touched(key) ? List.of() : List.of(new Mutation.Check(key, Revision.ZERO)),
            failure);
      }
      case "delete" -> {
        Key key = kv.keyOf(raw);
        boolean present = working.exists(key);
        working.written.put(key, false);
        yield new Op(verb, raw, present ? List.of(new Mutation.Delete(key, Optional.empty())) : List.of(),
            Optional.empty());
      }
      case "delete-tree" -> {
        List<Key> doomed = working.under(raw, kv.keys());
        doomed.forEach(key -> working.written.put(key, false));
        yield new Op(verb, raw, doomed.stream().<Mutation>map(key -> new Mutation.Delete(key, Optional.empty())).toList(),
            Optional.empty());
      }
      case "delete-cas" -> {
        Key key = kv.keyOf(raw);
        Revision want = index(op, where);
        if (!working.exists(key)) {
          yield new Op(verb, raw, List.of(), Optional.empty()); // as Consul: nothing to delete succeeds
        }
        boolean touched = working.touched(key);
        Optional<String> failure = touched || !want.equals(working.modRevision(key))
            ? Optional.of("failed to delete key \"" + raw + "\", index is stale") : Optional.empty();
        working.written.put(key, false);
        yield new Op(verb, raw, List.of(new Mutation.Delete(key, touched ? Optional.empty() : Optional.of(want))),
            failure);
      }
      default -> throw new InvalidInputException("invalid_body", where + ": unknown verb '" + Excerpt.of(verb) + "'; fleetconf"
          + " supports set, cas, get, get-tree, check-index, check-not-exists, delete, delete-tree and delete-cas");
    };
  }

  private static Revision index(JsonNode op, String where) {
    JsonNode index = GoJson.field(op, "Index");
    if (!index.canConvertToLong() || index.asLong() < 0) {
      throw new InvalidInputException("invalid_body", where + ": Index must be an unsigned number");
    }
    return Revision.of(index.asLong());
  }

  private static long flags(JsonNode op, String where) {
    JsonNode flags = GoJson.field(op, "Flags");
    if (flags.isMissingNode() || flags.isNull()) {
      return 0;
    }
    if (!flags.isIntegralNumber() || flags.bigIntegerValue().signum() < 0 || flags.bigIntegerValue().bitLength() > 64) {
      throw new InvalidInputException("invalid_body", where + ": Flags must be an unsigned 64-bit number");
    }
    return flags.bigIntegerValue().longValue();
  }

  private static byte[] value(JsonNode op, String where) {
    JsonNode value = GoJson.field(op, "Value");
    if (value.isMissingNode() || value.isNull()) {
      return new byte[0];
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(value.asText());
      if (bytes.length > ConsulKvApi.MAX_VALUE) {
        throw new ApiException(413, "too_large", where + ": the value is larger than " + ConsulKvApi.MAX_VALUE + " bytes");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid_body", where + ": Value must be base64");
    }
  }
}
