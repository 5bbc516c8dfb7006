package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Excerpt;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JSON Schemas (draft 2020-12) of namespaces, each stored as an entry under
 * {@code plain/fleetconf/schemas/}: {@code <namespace>} for every device, or
 * {@code <namespace>/groups/<kind>/<name>} for the members of one group (so versioned, audited and
 * rolled back like any entry), and the check every change set passes before it is recorded: the
 * effective config of every device it changes, under each schema that applies to the device, must
 * not break it in a way it did not before (docs/safe-changes.md).
 */
final class Schemas {
  /** Where schemas live: one entry per namespace, and per namespace and group, under this prefix. */
  static final Key PREFIX = Key.parsePrefix("plain/fleetconf/schemas");
  private static final String GROUPS = "/groups/";
  private static final int DEVICES_NAMED = 5;
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      // Never fetch a $ref from the network or the class path: a schema is what the entry holds.
      builder -> builder.schemaLoader(loader -> loader.block(iri -> !iri.toString().startsWith("https://json-schema.org/"))));
  private static final Schema META = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  /** Compiled schemas by the entry that holds them (its key and revision): compiled once per version. */
  private final Map<Entry, Schema> compiled = new ConcurrentHashMap<>();
  /** The devices that break a schema, as of the last revision asked about (fleet status asks often). */
  private final AtomicReference<Broken> lastBroken = new AtomicReference<>(new Broken(Revision.ZERO, Map.of()));

  private record Broken(Revision revision, Map<DeviceId, List<String>> devices) {}

  /** A schema entry and whom it applies to: every device, or the members of one group. */
  private record Applied(String namespace, Optional<GroupName> group, Entry entry) {
    boolean appliesTo(Device device) {
      return group.map(device.groups()::contains).orElse(true);
    }

    String name() {
      return "of namespace '" + namespace + "'" + group.map(g -> " (group " + g + ")").orElse("");
    }
  }

  /** One way a config breaks a schema, the same for every device it names. */
  private record Violation(String path, String rule, String message, String value) {
    String describe(String namespace) {
      return namespace + path + " is " + value + ": " + message + " (" + rule + ")";
    }
  }

  /**
   * Refuses {@code changeSet} if a schema it writes is not a valid schema, or (unless
   * {@code forced}) if a device's current config breaks a schema it writes, or if the config it
   * gives a device (in {@code after}) newly breaks a schema that applies to it: the error names
   * the schema, the devices (the first few and a count), the path, the rule and the value (masked
   * when it comes from a secret). A device that already broke a schema the same way in
   * {@code before} (a schema written with force) does not block changes that leave it no worse.
   */
  void check(ChangeSet changeSet, Snapshot before, Snapshot after, boolean forced) {
    Set<Key> rewritten = new TreeSet<>();
    boolean touchesConfig = false;
    for (Change change : changeSet.changes()) {
      if (change instanceof Change.EntryChange entry && entry.key().isUnder(PREFIX)) {
        entry.after().ifPresent(written -> {
          checkIsSchema(applied(written), written.value());
          rewritten.add(written.key());
        });
      } else {
        touchesConfig = true;
      }
    }
    List<Applied> schemas = schemasIn(after);
    if (schemas.isEmpty()) {
      return;
    }
    Set<DeviceId> affected = touchesConfig ? Affected.by(changeSet, after).devices() : Set.of();
    for (Applied schema : schemas) {
      if (rewritten.contains(schema.entry().key())) {
        if (!forced) { // a new schema is checked against every device it applies to
          validate(schema, after, Optional.empty(), after.devices().keySet());
        }
      } else if (!affected.isEmpty()) {
        validate(schema, after, Optional.of(before), affected);
      }
    }
  }

  /**
   * The devices whose config breaks a schema at {@code snapshot} (possible after a schema written
   * with force), each with what it breaks; computed once per revision.
   */
  Map<DeviceId, List<String>> broken(Snapshot snapshot) {
    Broken last = lastBroken.get();
    if (last.revision().equals(snapshot.revision())) {
      return last.devices();
    }
    Map<DeviceId, List<String>> out = new TreeMap<>();
    for (Applied schema : schemasIn(snapshot)) {
      Schema compiledSchema = compile(schema.entry());
      Map<EffectiveConfig, List<Violation>> seen = new IdentityHashMap<>();
      for (Device device : snapshot.devices().values()) {
        if (schema.appliesTo(device)) {
          EffectiveConfig config = snapshot.effective(device);
          List<Violation> found = seen.computeIfAbsent(config,
              c -> violations(compiledSchema, c, schema.namespace(), snapshot, 1));
          found.forEach(v -> out.computeIfAbsent(device.id(), id -> new ArrayList<>())
              .add("schema " + schema.name() + ": " + v.describe(schema.namespace())));
        }
      }
    }
    Map<DeviceId, List<String>> frozen = Map.copyOf(out);
    lastBroken.set(new Broken(snapshot.revision(), frozen));
    return frozen;
  }

  private static List<Applied> schemasIn(Snapshot snapshot) {
    return snapshot.entriesUnder(PREFIX).stream().map(Schemas::applied).toList();
  }

  private static Applied applied(Entry entry) {
    String rest = entry.key().path().toString().substring(PREFIX.path().toString().length() + 1);
    int groups = rest.indexOf(GROUPS);
    if (groups < 0) {
      if (rest.contains("/")) {
        throw new InvalidInputException("invalid_schema", "a schema's key is " + PREFIX + "/<namespace>, or "
            + PREFIX + "/<namespace>/groups/<kind>/<name>; '" + Excerpt.of(rest) + "' is neither");
      }
      return new Applied(rest, Optional.empty(), entry);
    }
    String namespace = rest.substring(0, groups);
    String group = rest.substring(groups + GROUPS.length());
    if (namespace.contains("/") || group.chars().filter(c -> c == '/').count() != 1) {
      throw new InvalidInputException("invalid_schema", "a group's schema key is " + PREFIX
          + "/<namespace>/groups/<kind>/<name>; '" + Excerpt.of(rest) + "' is not");
    }
    return new Applied(namespace, Optional.of(GroupName.of(group)), entry);
  }

  private static void checkIsSchema(Applied schema, JsonNode value) {
    List<Error> errors = META.validate(value);
    if (!errors.isEmpty()) {
      Error first = errors.getFirst();
      throw new InvalidInputException("invalid_schema", "the schema " + schema.name()
          + " is not a valid JSON Schema (draft 2020-12): " + where(first) + first.getMessage());
    }
    try {
      REGISTRY.getSchema(value).validate(com.fasterxml.jackson.databind.node.NullNode.getInstance());
    } catch (SchemaException e) {
      throw new InvalidInputException("invalid_schema", "the schema " + schema.name() + " cannot be used: "
          + e.getMessage());
    }
  }

  private Schema compile(Entry entry) {
    return compiled.computeIfAbsent(entry, e -> REGISTRY.getSchema(e.value()));
  }

  private void validate(Applied applied, Snapshot after, Optional<Snapshot> before, Set<DeviceId> devices) {
    Schema schema = compile(applied.entry());
    String namespace = applied.namespace();
    Map<EffectiveConfig, Optional<Violation>> seen = new IdentityHashMap<>(); // devices share merges
    Map<Violation, List<DeviceId>> broken = new LinkedHashMap<>();
    for (DeviceId id : new TreeSet<>(devices)) {
      Device device = after.devices().get(id);
      if (device == null || !applied.appliesTo(device)) {
        continue;
      }
      EffectiveConfig config = after.effective(device);
      Optional<Violation> violation = seen.computeIfAbsent(config,
          c -> violations(schema, c, namespace, after, 1).stream().findFirst());
      if (violation.isPresent() && newlyBroken(schema, applied, device, after, before)) {
        broken.computeIfAbsent(violation.get(), k -> new ArrayList<>()).add(id);
      }
    }
    if (broken.isEmpty()) {
      return;
    }
    int count = broken.values().stream().mapToInt(List::size).sum();
    Map.Entry<Violation, List<DeviceId>> first = broken.entrySet().iterator().next();
    List<DeviceId> named = first.getValue().subList(0, Math.min(DEVICES_NAMED, first.getValue().size()));
    throw new InvalidInputException("schema_violation", "the change breaks the schema " + applied.name()
        + " for " + count + (count == 1 ? " device" : " devices") + ": " + join(named)
        + (first.getValue().size() > named.size() ? " and " + (first.getValue().size() - named.size()) + " more" : "")
        + (broken.size() > 1 ? " (and " + (count - first.getValue().size()) + " in other ways)" : "")
        + ": " + first.getKey().describe(namespace));
  }

  /**
   * Whether the device breaks the schema in a way it did not before the change: always, when
   * there is no before (a new schema) or the device was valid then.
   */
  private static boolean newlyBroken(Schema schema, Applied applied, Device device, Snapshot after,
      Optional<Snapshot> before) {
    if (before.isEmpty() || !before.get().devices().containsKey(device.id())) {
      return true;
    }
    Device earlier = before.get().devices().get(device.id());
    if (!applied.appliesTo(earlier)) {
      return true;
    }
    List<Violation> then = violations(schema, before.get().effective(earlier), applied.namespace(), before.get(),
        Integer.MAX_VALUE);
    List<Violation> now = violations(schema, after.effective(device), applied.namespace(), after, Integer.MAX_VALUE);
    return !new LinkedHashSet<>(then).containsAll(now);
  }

  private static List<Violation> violations(Schema schema, EffectiveConfig config, String namespace, Snapshot at,
      int limit) {
    EffectiveConfig part = config.namespace(namespace);
    List<Violation> out = new ArrayList<>();
    for (Error error : schema.validate(part.tree())) {
      if (out.size() == limit) {
        break;
      }
      out.add(violation(error, part, at));
    }
    return out;
  }

  private static Violation violation(Error error, EffectiveConfig part, Snapshot at) {
    String path = pointer(error);
    boolean secret = part.provenance().entrySet().stream()
        .filter(e -> ("/" + e.getKey()).startsWith(path) || path.startsWith("/" + e.getKey()))
        .anyMatch(e -> at.entry(e.getValue().key()).map(Entry::secret).orElse(false));
    String value = error.getInstanceNode() == null ? "absent"
        : secret ? Entry.MASK.toString() : Excerpt.of(error.getInstanceNode().toString());
    String message = error.getMessage();
    int colon = message.indexOf(": ");
    return new Violation(path, error.getKeyword(),
        colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message, value);
  }

  /** The instance location as a JSON Pointer ({@code ""} for the namespace itself). */
  private static String pointer(Error error) {
    StringBuilder out = new StringBuilder();
    var path = error.getInstanceLocation();
    for (int i = 0; i < path.getNameCount(); i++) {
      out.append('/').append(path.getElement(i));
    }
    return out.toString();
  }

  private static String where(Error error) {
    String at = pointer(error);
    return at.isEmpty() ? "" : at + ": ";
  }

  private static String join(List<DeviceId> ids) {
    return String.join(", ", ids.stream().map(DeviceId::toString).toList());
  }
}
