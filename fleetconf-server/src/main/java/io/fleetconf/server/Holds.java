package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Requirement;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.RolloutOverlay.Replacement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values that need a software version, and the devices held back from them (docs/safe-changes.md).
 *
 * <p>An entry written with a requirement gets a companion entry {@code plain/fleetconf/requires/<key>}
 * that says what the key needs and what a device that does not meet it gets instead: the value the
 * key held before, or, when an earlier requirement was in place, that requirement's chain. Agents
 * report their services' versions into {@code plain/fleetconf/versions/<device>}. Both are entries,
 * so holds are part of config resolution: versioned, replicated, and a report that changes what a
 * device meets wakes that device alone.
 */
public final class Holds {
  static final Key REQUIRES = Key.parsePrefix("plain/fleetconf/requires");
  static final Key VERSIONS = Key.parsePrefix("plain/fleetconf/versions");
  static final Holds NONE = new Holds(List.of(), Map.of());

  /** A requirement on {@code key} and what a device gets that does not meet it, as stored. */
  record Rule(Key key, Revision revision, Requirement requires, JsonNode otherwise) {}

  /** A key held back for one device: the value it gets (empty: none) and the requirement it did not meet. */
  record Held(Key key, Optional<JsonNode> value, Requirement needs, Revision revision) {}

  private final List<Rule> rules;
  private final Map<DeviceId, Map<String, String>> versions;
  private final Map<List<Object>, EffectiveConfig> merges = new ConcurrentHashMap<>();

  private Holds(List<Rule> rules, Map<DeviceId, Map<String, String>> versions) {
    this.rules = rules;
    this.versions = versions;
  }

  /** The requirements and reported versions in {@code snapshot}'s entries. */
  static Holds of(Snapshot snapshot) {
    List<Rule> rules = new ArrayList<>();
    for (Entry entry : snapshot.entriesUnder(REQUIRES)) {
      rule(entry).filter(rule -> snapshot.entry(rule.key()).isPresent()).ifPresent(rules::add);
    }
    if (rules.isEmpty()) {
      return NONE;
    }
    Map<DeviceId, Map<String, String>> versions = new HashMap<>();
    for (Entry entry : snapshot.entriesUnder(VERSIONS)) {
      if (entry.key().path().depth() == VERSIONS.path().depth() + 1 && entry.value().isObject()) {
        Map<String, String> services = new TreeMap<>();
        entry.value().properties().forEach(e -> services.put(e.getKey(), e.getValue().asText()));
        try {
          versions.put(DeviceId.of(entry.key().path().relativeTo(VERSIONS.path()).toString()), services);
        } catch (InvalidInputException e) {
          // written by hand under a name that is no device id: nobody's versions
        }
      }
    }
    return new Holds(List.copyOf(rules), versions);
  }

  /** The companion entry that holds {@code key}'s requirement. */
  static Key requirementKey(Key key) {
    return Key.parse(REQUIRES + "/" + key);
  }

  /** The entry that holds a device's reported versions. */
  public static Key versionsKey(DeviceId device) {
    return Key.parse(VERSIONS + "/" + device);
  }

  /** The rule an entry under {@link #REQUIRES} holds; empty for anything it cannot read. */
  static Optional<Rule> rule(Entry entry) {
    JsonNode value = entry.value();
    try {
      Key key = Key.parse(value.path("key").asText());
      if (!entry.key().equals(requirementKey(key))) {
        return Optional.empty();
      }
      return Optional.of(new Rule(key, entry.modRevision(), Requirement.parse(value.path("requires").asText()),
          value.path("otherwise")));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
  }

  /** The value of a requirement entry for {@code key}: needing {@code requires}, else {@code otherwise}. */
  static ObjectNode ruleValue(Key key, Requirement requires, JsonNode otherwise) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("key", key.toString());
    out.put("requires", requires.toString());
    out.set("otherwise", otherwise);
    return out;
  }

  /** What a device that does not meet a new requirement gets: the value now stored, or nothing. */
  static ObjectNode fallback(Optional<JsonNode> current) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    current.ifPresentOrElse(value -> out.set("value", value), () -> out.put("absent", true));
    return out;
  }

  /**
   * A put of {@code put.key()} that says {@code requires}: the put, bound to the entry as it is now,
   * and the companion entry that holds devices below the requirement to what they had. {@code none}
   * (or empty) takes the key's requirement away. Secrets are refused: what held devices get would
   * be stored in the clear.
   */
  public static List<Mutation> put(Snapshot snapshot, Mutation.Put put, String requires) {
    Key key = put.key();
    Optional<Entry> current = snapshot.entry(key);
    Optional<Entry> rule = snapshot.entry(requirementKey(key));
    if (requires.isBlank() || requires.trim().equals("none")) {
      return rule.isEmpty() ? List.of(put)
          : List.of(put, new Mutation.Delete(requirementKey(key), Optional.of(rule.get().modRevision())));
    }
    Requirement requirement = Requirement.parse(requires);
    if (key.scope() instanceof Scope.Plain) {
      throw new InvalidInputException("invalid_requirement", "a plain key (" + key + ") is in no device's config,"
          + " so it cannot need a version");
    }
    if (put.secret() || current.map(Entry::secret).orElse(false)) {
      throw new InvalidInputException("invalid_requirement", key + " is a secret: it cannot need a version (the"
          + " value devices below it keep would be stored in the clear)");
    }
    JsonNode otherwise = fallback(current.map(Entry::value));
    if (rule.isPresent()) { // devices below the earlier requirement keep what they had under it
      ObjectNode earlier = rule.get().value().deepCopy();
      earlier.remove("key");
      current.ifPresent(entry -> earlier.set("value", entry.value()));
      otherwise = earlier;
    }
    Revision seen = current.map(Entry::modRevision).orElse(Revision.ZERO);
    Mutation.Put bound = new Mutation.Put(key, put.value(), Optional.of(put.expected().orElse(seen)), put.secret(),
        put.flags(), put.replace());
    return List.of(bound, Mutation.Put.of(requirementKey(key), ruleValue(key, requirement, otherwise)));
  }

  /**
   * {@code proposal} with the requirements of the keys it deletes deleted too, unless it deletes
   * them itself (a rollback does). Every write path commits through the replica, which calls this:
   * a requirement left behind by a Consul or batch delete would hold devices again, at a stale
   * value, once the key is written anew.
   */
  public static Proposal droppingRequirements(Snapshot snapshot, Proposal proposal) {
    List<Mutation> extra = new ArrayList<>();
    for (Mutation mutation : proposal.mutations()) {
      for (Mutation drop : droppedWith(snapshot, mutation)) {
        if (proposal.mutations().stream().noneMatch(m -> deletes(m, drop)) && !extra.contains(drop)) {
          extra.add(drop);
        }
      }
    }
    if (extra.isEmpty()) {
      return proposal;
    }
    List<Mutation> all = new ArrayList<>(proposal.mutations());
    all.addAll(extra);
    return new Proposal(proposal.author(), proposal.message(), proposal.source(), proposal.commit(), all,
        proposal.forceSchemas());
  }

  /** Whether {@code mutation} already deletes what {@code drop} would. */
  private static boolean deletes(Mutation mutation, Mutation drop) {
    Key dropped = drop instanceof Mutation.Delete d ? d.key() : ((Mutation.DeleteTree) drop).prefix();
    return switch (mutation) {
      case Mutation.Delete d -> d.key().equals(dropped);
      case Mutation.DeleteTree t -> dropped.isUnder(t.prefix());
      default -> false;
    };
  }

  /** The deletion of the requirements that go with {@code mutation}'s deletion of their keys; none for others. */
  static List<Mutation> droppedWith(Snapshot snapshot, Mutation mutation) {
    try {
      return dropsOf(snapshot, mutation);
    } catch (InvalidInputException e) { // a key too deep or long to have a requirement entry has none
      return List.of();
    }
  }

  private static List<Mutation> dropsOf(Snapshot snapshot, Mutation mutation) {
    return switch (mutation) {
      case Mutation.Delete delete -> snapshot.entry(requirementKey(delete.key()))
          .<List<Mutation>>map(rule -> List.of(new Mutation.Delete(rule.key(), Optional.empty()))).orElse(List.of());
      case Mutation.DeleteTree tree -> {
        Key prefix = tree.prefix().path().isRoot() ? Key.parsePrefix(REQUIRES + "/" + tree.prefix().scope())
            : requirementKey(tree.prefix());
        yield snapshot.entriesUnder(prefix).isEmpty() ? List.of() : List.of(new Mutation.DeleteTree(prefix));
      }
      default -> List.of();
    };
  }

  /** The keys held back from {@code device}, in the order the rules are stored. */
  List<Held> of(Device device) {
    if (rules.isEmpty()) {
      return List.of();
    }
    Map<String, String> reported = versions.getOrDefault(device.id(), Map.of());
    List<Held> out = new ArrayList<>();
    for (Rule rule : rules) {
      if (concerns(rule.key().scope(), device) && !rule.requires().metBy(reported)) {
        out.add(held(rule, reported));
      }
    }
    return out;
  }

  /** Walks the chain of earlier requirements to the first one the device meets, or to the plain value before them. */
  private static Held held(Rule rule, Map<String, String> reported) {
    JsonNode otherwise = rule.otherwise();
    while (otherwise.has("requires")) {
      Optional<Requirement> earlier = requirement(otherwise.get("requires").asText());
      if (earlier.isPresent() && earlier.get().metBy(reported)) {
        break;
      }
      otherwise = otherwise.path("otherwise");
    }
    Optional<JsonNode> value = otherwise.has("value") ? Optional.of(otherwise.get("value")) : Optional.empty();
    return new Held(rule.key(), value, rule.requires(), rule.revision());
  }

  private static Optional<Requirement> requirement(String text) {
    try {
      return Optional.of(Requirement.parse(text));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
  }

  private static boolean concerns(Scope scope, Device device) {
    return switch (scope) {
      case Scope.Defaults d -> true;
      case Scope.Global g -> true;
      case Scope.Group g -> device.groups().contains(g.group());
      case Scope.Device d -> d.device().equals(device.id());
      case Scope.Plain p -> false;
    };
  }

  /** The device's config with {@code held} in place, over whatever rollouts have released to it. */
  EffectiveConfig effective(Snapshot snapshot, Device device, List<Held> held, RolloutOverlay rollouts) {
    List<Replacement> replacements = new ArrayList<>(rollouts.replacements(device.id()));
    held.forEach(h -> replacements.add(new Replacement(h.key(), h.value(), h.revision())));
    List<Scope> scopes = device.scopes();
    if (snapshot.ownsEntries(device.id())) {
      return merge(snapshot, scopes, replacements);
    }
    List<Scope> shared = scopes.subList(0, scopes.size() - 1);
    List<Object> key = List.of(shared, rollouts.releasedIds(device.id()), held);
    return merges.computeIfAbsent(key, k -> merge(snapshot, shared, replacements));
  }

  private static EffectiveConfig merge(Snapshot snapshot, List<Scope> scopes, List<Replacement> replacements) {
    return EffectiveConfig.merge(scopes.stream().map(scope -> RolloutOverlay.layer(snapshot, scope, replacements))
        .toList());
  }
}
