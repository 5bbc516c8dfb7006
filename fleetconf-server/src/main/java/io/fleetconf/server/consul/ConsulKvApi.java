package io.fleetconf.server.consul;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.server.Replica;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.View;
import io.fleetconf.server.consul.ConsulKeys;
import io.fleetconf.server.consul.ConsulValues;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.server.api.Access;
import io.fleetconf.server.api.ApiJson;
import io.fleetconf.server.api.Watch;

/**
 * Consul's KV API, {@code /v1/kv/<key>}, over fleetconf's entries: keys under the root
 * ({@code fleet/global/...}) are the layered entries, any other key a plain one. Every write is a
 * change set with the caller as author; the revision is Consul's index.
 */
final class ConsulKvApi {
  static final String BASE = "/v1/kv";
  /** Consul's default {@code kv_max_value_size}. */
  static final int MAX_VALUE = 512 * 1024;
  static final String SOURCE = "consul";
  private final Replica replica;
  private final ConsulKeys keys;

  ConsulKvApi(Replica replica) {
    this.replica = replica;
    this.keys = replica.consulKeys();
  }

  void register(Router router) {
    router.on("GET", BASE, this::get).under("GET", BASE, this::get)
        .under("PUT", BASE, this::put)
        .on("DELETE", BASE, this::delete).under("DELETE", BASE, this::delete);
  }

  /** A device reads its config through the native API, never raw keys: refused before anything is looked up. */
  static void refuseDevices(Request request) {
    Access.operator(request, "use the Consul KV API");
  }

  private Response get(Request request) {
    refuseDevices(request);
    String key = request.tail();
    boolean keysOnly = request.query("keys").isPresent();
    boolean recurse = keysOnly || request.flag("recurse");
    if (!recurse) {
      Access.readKey(request, keyOf(key));
    }
    // Only readable keys count, for the answer, its index and the wake-ups of a blocking query.
    View view = new View.Raw(key, recurse, keys, readable -> Access.mayRead(request, readable));
    Optional<Revision> blocking = Watch.index(request).filter(index -> index.isAfter(Revision.ZERO));
    if (blocking.isEmpty()) {
      return read(request, key, view, keysOnly, recurse);
    }
    return Watch.afterChange(replica, request, view, blocking.get(),
        outcome -> read(request, key, view, keysOnly, recurse));
  }

  private Response read(Request request, String key, View view, boolean keysOnly, boolean recurse) {
    Revision index = indexOf(view);
    Snapshot snapshot = replica.snapshot();
    List<Entry> found = recurse ? under(snapshot, key, request) : snapshot.entry(keyOf(key)).stream().toList();
    if (found.isEmpty()) {
      return consul(Response.text("text/plain; charset=utf-8", "").withStatus(404), index);
    }
    boolean reveal = Access.revealsSecrets(request);
    if (keysOnly) {
      ArrayNode keys = ApiJson.array();
      rollUp(found, key, request.query("separator").orElse("")).forEach(keys::add);
      return consul(Response.ok(keys), index);
    }
    if (request.query("raw").isPresent() && !recurse) {
      return consul(Response.bytes(200, "text/plain; charset=utf-8", bytes(found.get(0), reveal)), index);
    }
    ArrayNode entries = ApiJson.array();
    found.forEach(entry -> entries.add(consulEntry(entry, reveal)));
    return consul(Response.ok(entries), index);
  }

  private Response put(Request request) {
    refuseDevices(request);
    refuseSessions(request);
    Key key = keyOf(request.tail());
    OptionalLong flags = OptionalLong.of(unsigned(request, "flags").orElse(0));
    Optional<Revision> cas = unsigned(request, "cas").stream().mapToObj(Revision::of).findFirst();
    var value = ConsulValues.fromBytes(request.body(MAX_VALUE), replica.snapshot().entry(key).map(Entry::value));
    List<Mutation> put = List.of(new Mutation.Put(key, value, cas, false, flags));
    Access.write(request, put);
    try {
      replica.commit(proposal(request, put));
      return answer(true);
    } catch (ConflictException casFailed) {
      return answer(false); // an unregistered device's scope stays a 404 that names it
    }
  }

  private Response delete(Request request) {
    refuseDevices(request);
    refuseSessions(request);
    refuseConflictingFlags(request);
    if (request.flag("recurse")) {
      String prefix = request.tail();
      Access.writeConsulPrefix(request, prefix, keys.rulePrefixes(prefix)); // never on what exists under it
      List<Mutation> deletes = withPrefix(replica.snapshot(), prefix).stream()
          .<Mutation>map(entry -> new Mutation.Delete(entry.key(), Optional.empty())).toList();
      return answer(deletes.isEmpty() || commit(request, deletes));
    }
    Key key = keyOf(request.tail());
    Optional<Revision> cas = unsigned(request, "cas").stream().mapToObj(Revision::of).findFirst();
    Optional<Entry> current = replica.snapshot().entry(key);
    if (current.isEmpty()) {
      Access.write(request, List.of(new Mutation.Delete(key, cas)));
      return answer(true); // as Consul: deleting what is not there succeeds
    }
    return answer(commit(request, List.of(new Mutation.Delete(key, cas))));
  }

  /** Commits {@code mutations} as one change set; false if a compare-and-set failed. */
  private boolean commit(Request request, List<Mutation> mutations) {
    Access.write(request, mutations);
    try {
      replica.commit(proposal(request, mutations));
      return true;
    } catch (ConflictException | NotFoundException lost) {
      return false; // a compare-and-set failed, or another writer deleted a key first
    }
  }

  static Proposal proposal(Request request, List<Mutation> mutations) {
    return new Proposal(request.principal(), request.query("message").orElse(""), SOURCE, mutations);
  }

  private static Response answer(boolean done) {
    return consul(Response.text("application/json", done ? "true" : "false"), Revision.ZERO);
  }

  /** Consul's index for a view: the last revision that changed it (never 0, which means "do not block"). */
  private Revision indexOf(View view) {
    Revision last = replica.watches().lastChange(view);
    return last.isAfter(Revision.ZERO) ? last : Revision.of(1);
  }

  /** The readable entries whose flat key starts with {@code prefix}, in Consul's (byte-wise) key order. */
  List<Entry> under(Snapshot snapshot, String prefix, Request request) {
    return withPrefix(snapshot, prefix).stream().filter(entry -> Access.mayRead(request, entry.key())).toList();
  }

  /** Every entry in the Consul view whose flat key starts with {@code prefix}, in Consul's (byte-wise) key order. */
  private List<Entry> withPrefix(Snapshot snapshot, String prefix) {
    return snapshot.allEntries().stream()
        .filter(entry -> keys.covers(prefix, entry.key()))
        .sorted(Comparator.comparing(entry -> keys.raw(entry.key())))
        .toList();
  }

  /** Consul's {@code keys} with a separator: keys below the next separator after the prefix roll up into one. */
  private List<String> rollUp(List<Entry> entries, String prefix, String separator) {
    Set<String> rolled = new LinkedHashSet<>();
    for (Entry entry : entries) {
      String raw = keys.raw(entry.key());
      int cut = separator.isEmpty() ? -1 : raw.indexOf(separator, prefix.length());
      rolled.add(cut < 0 ? raw : raw.substring(0, cut + separator.length()));
    }
    return new ArrayList<>(rolled);
  }

  ObjectNode consulEntry(Entry entry, boolean reveal) {
    ObjectNode node = ApiJson.object();
    node.put("LockIndex", 0);
    node.put("Key", keys.raw(entry.key()));
    // Consul's flags are unsigned 64-bit; they are kept in a long's bits.
    node.put("Flags", new java.math.BigInteger(Long.toUnsignedString(entry.flags())));
    byte[] value = bytes(entry, reveal);
    if (value.length == 0) {
      node.putNull("Value");
    } else {
      node.put("Value", Base64.getEncoder().encodeToString(value));
    }
    node.put("CreateIndex", entry.createRevision().value());
    node.put("ModifyIndex", entry.modRevision().value());
    return node;
  }

  private static byte[] bytes(Entry entry, boolean reveal) {
    return ConsulValues.toBytes(entry.secret() && !reveal ? Entry.MASK : entry.value());
  }

  /** The fleetconf key a Consul key names. */
  Key keyOf(String raw) {
    return keys.keyOf(raw);
  }

  ConsulKeys keys() {
    return keys;
  }

  /** An unsigned 64-bit query parameter, as Consul's {@code flags}, {@code cas} and {@code index}. */
  static OptionalLong unsigned(Request request, String name) {
    Optional<String> text = request.query(name);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(text.get()));
    } catch (NumberFormatException e) {
      throw new InvalidInputException("invalid_parameter",
          "query parameter '" + name + "' must be an unsigned number, was '" + Excerpt.of(text.get()) + "'");
    }
  }

  /**
   * As Consul: {@code cas} and {@code recurse} together are refused, in Consul's words. Only those
   * two parameters are echoed (Consul echoes every one, which would include a token).
   */
  private static void refuseConflictingFlags(Request request) {
    Optional<String> cas = request.query("cas");
    Optional<String> recurse = request.query("recurse");
    if (cas.isPresent() && recurse.isPresent()) {
      throw new ApiException(400, "conflicting_flags", "Conflicting flags: cas=" + queryEscape(cas.get())
          + "&recurse=" + queryEscape(recurse.get()));
    }
  }

  private static String queryEscape(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) : value;
    return java.net.URLEncoder.encode(cut, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void refuseSessions(Request request) {
    for (String lock : List.of("acquire", "release")) {
      if (request.query(lock).isPresent()) {
        throw new ApiException(400, "unsupported", "fleetconf does not support Consul sessions and locks ('"
            + lock + "'); see docs/consul-compatibility.md");
      }
    }
  }

  /** Consul's response headers; {@code X-Consul-Index} when the answer is as of an index. */
  static Response consul(Response response, Revision index) {
    Response out = response.with("X-Consul-KnownLeader", "true").with("X-Consul-LastContact", "0");
    return index.isAfter(Revision.ZERO) ? out.with("X-Consul-Index", index.toString()) : out;
  }
}
