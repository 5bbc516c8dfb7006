package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A staged rollout, as stored in its entry {@code plain/fleetconf/rollouts/<id>}: the changes it
 * holds back, its waves of devices, how many are released, and its state. The entry is the state
 * (so it is versioned, replicated and survives restarts like any entry); every step is one change
 * set on it with source {@code rollout}. Devices of released waves resolve the held changes,
 * the others the stored entries (docs/safe-changes.md).
 */
public record Rollout(String id, State state, String policy, String message, String author, List<Held> changes,
    List<Wave> waves, int released, Optional<Instant> releasedAt, Optional<Instant> bakingSince, long bakeSeconds,
    int maxFailedPercent, long waveTimeoutSeconds, Optional<String> reason) {

  /** Where rollouts live: one entry each. */
  public static final Key PREFIX = Key.parsePrefix("plain/fleetconf/rollouts");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Where a rollout is: running and paused hold their changes back; the others are over. */
  public enum State {
    RUNNING, PAUSED, COMPLETED, ROLLED_BACK, ABORTED;

    public boolean active() {
      return this == RUNNING || this == PAUSED;
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One held change: the value {@code key} takes for released devices, or empty when it is deleted. */
  public record Held(Key key, Optional<JsonNode> value) {
    Mutation mutation() {
      return value.<Mutation>map(v -> Mutation.Put.of(key, v)).orElseGet(() -> new Mutation.Delete(key, Optional.empty()));
    }
  }

  /**
   * One wave: its name (as the policy said it), its devices, and once released the revision the
   * store was at just before (a report of a later revision was made with the wave's config), when
   * it started waiting for its devices' reports (its deadline counts from then: stored, so that it
   * survives a restart), and the devices it went on without when its deadline passed.
   */
  public record Wave(String name, List<DeviceId> devices, Optional<Revision> releasedAfter,
      Optional<Instant> waitingSince, List<DeviceId> silent) {
    public Wave {
      devices = List.copyOf(devices);
      silent = List.copyOf(silent);
    }

    public Wave(String name, List<DeviceId> devices, Optional<Revision> releasedAfter) {
      this(name, devices, releasedAfter, Optional.empty(), List.of());
    }

    Wave waitingFrom(Instant since) {
      return new Wave(name, devices, releasedAfter, Optional.of(since), silent);
    }
  }

  public Rollout {
    changes = List.copyOf(changes);
    waves = List.copyOf(waves);
  }

  public Key key() {
    return Key.parse(PREFIX + "/" + id);
  }

  /** The devices of the released waves, which resolve the held changes while the rollout is active. */
  public Set<DeviceId> releasedDevices() {
    Set<DeviceId> out = new LinkedHashSet<>();
    if (state.active()) {
      waves.subList(0, Math.min(released, waves.size())).forEach(w -> out.addAll(w.devices()));
    }
    return out;
  }

  /** The namespaces the held changes touch: the first segment of each key's path. */
  public Set<String> namespaces() {
    Set<String> out = new LinkedHashSet<>();
    changes.forEach(held -> out.add(held.key().path().segments().get(0)));
    return out;
  }

  /** True when {@code key} is one of the held keys, or above or below one. */
  public boolean holds(Key key) {
    return changes.stream().anyMatch(held -> held.key().isUnder(key) || key.isUnder(held.key()));
  }

  public Rollout with(State next, Optional<String> why) {
    return new Rollout(id, next, policy, message, author, changes, waves, released, releasedAt, bakingSince,
        bakeSeconds, maxFailedPercent, waveTimeoutSeconds, why.or(() -> reason));
  }

  /** The next wave released at {@code now}, the store being at revision {@code current}. */
  public Rollout releaseNext(Instant now, Revision current) {
    List<Wave> next = new ArrayList<>(waves);
    Wave wave = waves.get(released);
    next.set(released, new Wave(wave.name(), wave.devices(), Optional.of(current),
        Optional.of(now.truncatedTo(ChronoUnit.SECONDS)), List.of()));
    return new Rollout(id, state, policy, message, author, changes, next, released + 1, Optional.of(now),
        Optional.empty(), bakeSeconds, maxFailedPercent, waveTimeoutSeconds, reason);
  }

  public Rollout baking(Instant since) {
    return bakingWithout(since, List.of());
  }

  /** Baking from {@code since}, the last released wave having gone on without its {@code silent} devices. */
  public Rollout bakingWithout(Instant since, List<DeviceId> silent) {
    List<Wave> next = new ArrayList<>(waves);
    if (!silent.isEmpty()) {
      Wave wave = waves.get(released - 1);
      next.set(released - 1, new Wave(wave.name(), wave.devices(), wave.releasedAfter(), wave.waitingSince(), silent));
    }
    return new Rollout(id, state, policy, message, author, changes, next, released, releasedAt, Optional.of(since),
        bakeSeconds, maxFailedPercent, waveTimeoutSeconds, reason);
  }

  /**
   * Running again from {@code now}, without the reason it was paused for: a wave still waiting for
   * reports waits a whole timeout again (else its silent devices would pause it again at once).
   */
  public Rollout resumed(Instant now) {
    List<Wave> next = new ArrayList<>(waves);
    if (released > 0 && bakingSince.isEmpty()) {
      next.set(released - 1, waves.get(released - 1).waitingFrom(now.truncatedTo(ChronoUnit.SECONDS)));
    }
    return new Rollout(id, State.RUNNING, policy, message, author, changes, next, released, releasedAt, bakingSince,
        bakeSeconds, maxFailedPercent, waveTimeoutSeconds, Optional.empty());
  }

  /** When {@code wave} stops waiting for silent devices: empty without a wave timeout or before its release. */
  public Optional<Instant> deadline(Wave wave) {
    return waveTimeoutSeconds <= 0 ? Optional.empty() : wave.waitingSince().map(t -> t.plusSeconds(waveTimeoutSeconds));
  }

  /** Released: the rolled-back and aborted ones hand every device back to the stored entries. */
  public boolean allReleased() {
    return released >= waves.size();
  }

  public JsonNode toJson() {
    ObjectNode out = NODES.objectNode();
    out.put("id", id);
    out.put("state", state.wire());
    out.put("policy", policy);
    out.put("message", message);
    out.put("author", author);
    ArrayNode held = out.putArray("changes");
    for (Held change : changes) {
      ObjectNode item = held.addObject();
      item.put("key", change.key().toString());
      change.value().ifPresentOrElse(v -> item.set("value", v), () -> item.put("deleted", true));
    }
    ArrayNode list = out.putArray("waves");
    for (Wave wave : waves) {
      ObjectNode item = list.addObject();
      item.put("name", wave.name());
      ArrayNode devices = item.putArray("devices");
      wave.devices().forEach(d -> devices.add(d.toString()));
      wave.releasedAfter().ifPresent(r -> item.put("releasedAfter", r.value()));
      wave.waitingSince().ifPresent(t -> item.put("waitingSince", t.toString()));
      if (!wave.silent().isEmpty()) {
        ArrayNode silent = item.putArray("silent");
        wave.silent().forEach(d -> silent.add(d.toString()));
      }
    }
    out.put("released", released);
    releasedAt.ifPresent(t -> out.put("releasedAt", t.toString()));
    bakingSince.ifPresent(t -> out.put("bakingSince", t.toString()));
    out.put("bakeSeconds", bakeSeconds);
    out.put("maxFailedPercent", maxFailedPercent);
    if (waveTimeoutSeconds > 0) {
      out.put("waveTimeoutSeconds", waveTimeoutSeconds);
    }
    reason.ifPresent(r -> out.put("reason", r));
    return out;
  }

  /** The rollout an entry under {@link #PREFIX} holds; empty for anything else or a value it cannot read. */
  public static Optional<Rollout> of(Entry entry) {
    if (!(entry.key().scope() instanceof Scope.Plain) || !entry.key().isUnder(PREFIX)
        || entry.key().path().depth() != PREFIX.path().depth() + 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(entry.value()));
    } catch (RuntimeException unreadable) {
      return Optional.empty(); // written by hand through the Consul API: not a rollout
    }
  }

  static Rollout parse(JsonNode json) {
    List<Held> changes = new ArrayList<>();
    for (JsonNode item : json.get("changes")) {
      changes.add(new Held(Key.parse(item.get("key").asText()),
          item.path("deleted").asBoolean(false) ? Optional.empty() : Optional.of(item.get("value"))));
    }
    List<Wave> waves = new ArrayList<>();
    for (JsonNode item : json.get("waves")) {
      waves.add(new Wave(item.get("name").asText(), devices(item.get("devices")),
          Optional.ofNullable(item.get("releasedAfter")).map(r -> Revision.of(r.asLong())), time(item, "waitingSince"),
          devices(item.path("silent"))));
    }
    return new Rollout(json.get("id").asText(), State.valueOf(json.get("state").asText().toUpperCase(Locale.ROOT)),
        json.path("policy").asText(""), json.path("message").asText(""), json.path("author").asText(""), changes,
        waves, json.get("released").asInt(), time(json, "releasedAt"), time(json, "bakingSince"),
        json.path("bakeSeconds").asLong(0), json.path("maxFailedPercent").asInt(0),
        json.path("waveTimeoutSeconds").asLong(0), Optional.ofNullable(json.get("reason")).map(JsonNode::asText));
  }

  private static List<DeviceId> devices(JsonNode list) {
    List<DeviceId> out = new ArrayList<>();
    list.forEach(d -> out.add(DeviceId.of(d.asText())));
    return out;
  }

  private static Optional<Instant> time(JsonNode json, String field) {
    return Optional.ofNullable(json.get(field)).map(t -> Instant.parse(t.asText()));
  }

  /** Refuses a mutation a rollout cannot hold back, naming it. */
  static Held held(Mutation mutation, io.fleetconf.server.LiveState.Snapshot snapshot) {
    return switch (mutation) {
      case Mutation.Put put when put.secret() || snapshot.entry(put.key()).map(Entry::secret).orElse(false) ->
          throw new InvalidInputException("invalid_rollout", "a rollout cannot hold a secret (" + put.key()
              + "): write secrets at once with rollout=none");
      // A replacing entry (an Ansible variable) is served whole; the overlay merges held values.
      case Mutation.Put put when put.replace().orElse(false)
          || snapshot.entry(put.key()).map(Entry::replace).orElse(false) ->
          throw new InvalidInputException("invalid_rollout", "a rollout cannot hold a replacing entry (" + put.key()
              + "): write it at once with rollout=none");
      case Mutation.Put put when put.key().scope() instanceof Scope.Plain ->
          throw new InvalidInputException("invalid_rollout", "a rollout holds device config only, not the plain key "
              + put.key());
      case Mutation.Put put -> new Held(put.key(), Optional.of(put.value()));
      case Mutation.Delete delete when !(delete.key().scope() instanceof Scope.Plain) ->
          new Held(delete.key(), Optional.empty());
      default -> throw new InvalidInputException("invalid_rollout",
          "a rollout holds puts and deletes of config keys only, not " + describe(mutation));
    };
  }

  private static String describe(Mutation mutation) {
    return switch (mutation) {
      case Mutation.DeleteTree tree -> "a recursive delete of " + tree.prefix();
      case Mutation.Delete delete -> "a delete of the plain key " + delete.key();
      case Mutation.Check check -> "a check of " + check.key();
      case Mutation.CreateDevice create -> "a device registration";
      case Mutation.UpdateDevice update -> "a device update";
      case Mutation.DeleteDevice delete -> "a device removal";
      case Mutation.SwapSetting swap -> "a setting";
      case Mutation.Put put -> "a put of " + put.key();
    };
  }
}
