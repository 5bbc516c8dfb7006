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
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas (draft 2020-12) of namespaces, each stored as the entry
 * {@code plain/fleetconf/schemas/<namespace>} (so versioned, audited and rolled back like any
 * entry), and the check every change set passes before it is recorded: the effective config of
 * every device it changes, under each namespace with a schema, must be valid (docs/safe-changes.md).
 */
final class Schemas {
  /** Where schemas live: one entry per namespace under this prefix. */
  static final Key PREFIX = Key.parsePrefix("plain/fleetconf/schemas");
  private static final int DEVICES_NAMED = 5;
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      // Never fetch a $ref from the network or the class path: a schema is what the entry holds.
      builder -> builder.schemaLoader(loader -> loader.block(iri -> !iri.toString().startsWith("https://json-schema.org/"))));
  private static final Schema META = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  /** Compiled schemas by the entry that holds them (its key and revision): compiled once per version. */
  private final Map<Entry, Schema> compiled = new ConcurrentHashMap<>();

  /**
   * Refuses {@code changeSet} if a schema it writes is not a valid schema, or if the config it
   * gives a device (in {@code after}) breaks the schema of a namespace: the error names the
   * namespace, the devices (the first few and a count), the path, the rule and the value (masked
   * when it comes from a secret).
   */
  void check(ChangeSet changeSet, Snapshot after) {
    Set<String> rewritten = new TreeSet<>();
    boolean touchesConfig = false;
    for (Change change : changeSet.changes()) {
      if (change instanceof Change.EntryChange entry && entry.key().isUnder(PREFIX)) {
        entry.after().ifPresent(written -> {
          String namespace = namespaceOf(written.key());
          checkIsSchema(namespace, written.value());
          rewritten.add(namespace);
        });
      } else {
        touchesConfig = true;
      }
    }
    Map<String, Entry> schemas = schemasIn(after);
    if (schemas.isEmpty()) {
      return;
    }
    if (!rewritten.isEmpty()) {
      // A new schema is checked against the whole fleet, for its namespace alone.
      rewritten.forEach(namespace -> validate(namespace, schemas.get(namespace), after, after.devices().keySet()));
    }
    if (touchesConfig) {
      Set<DeviceId> affected = Affected.by(changeSet, after).devices();
      schemas.forEach((namespace, schema) -> {
        if (!rewritten.contains(namespace)) {
          validate(namespace, schema, after, affected);
        }
      });
    }
  }

  private static Map<String, Entry> schemasIn(Snapshot snapshot) {
    Map<String, Entry> out = new LinkedHashMap<>();
    snapshot.entriesUnder(PREFIX).forEach(entry -> out.put(namespaceOf(entry.key()), entry));
    return out;
  }

  private static String namespaceOf(Key key) {
    return key.path().toString().substring(PREFIX.path().toString().length() + 1);
  }

  private static void checkIsSchema(String namespace, JsonNode value) {
    if (namespace.contains("/")) {
      throw new InvalidInputException("invalid_schema", "a schema's key is " + PREFIX + "/<namespace>, with one"
          + " namespace name; '" + Excerpt.of(namespace) + "' has a '/'");
    }
    List<Error> errors = META.validate(value);
    if (!errors.isEmpty()) {
      Error first = errors.getFirst();
      throw new InvalidInputException("invalid_schema", "the schema of namespace '" + namespace
          + "' is not a valid JSON Schema (draft 2020-12): " + where(first) + first.getMessage());
    }
    try {
      REGISTRY.getSchema(value).validate(com.fasterxml.jackson.databind.node.NullNode.getInstance());
    } catch (SchemaException e) {
      throw new InvalidInputException("invalid_schema", "the schema of namespace '" + namespace
          + "' cannot be used: " + e.getMessage());
    }
  }

  /** One way a config breaks a schema, the same for every device it names. */
  private record Violation(String path, String rule, String message, String value) {}

  private void validate(String namespace, Entry schemaEntry, Snapshot after, Set<DeviceId> devices) {
    Schema schema = compiled.computeIfAbsent(schemaEntry, entry -> REGISTRY.getSchema(entry.value()));
    Map<EffectiveConfig, Optional<Violation>> seen = new IdentityHashMap<>(); // devices share merges
    Map<Violation, List<DeviceId>> broken = new LinkedHashMap<>();
    for (DeviceId id : new TreeSet<>(devices)) {
      Device device = after.devices().get(id);
      if (device == null) {
        continue;
      }
      EffectiveConfig config = after.effective(device);
      Optional<Violation> violation = seen.computeIfAbsent(config, c -> firstViolation(schema, c, namespace, after));
      violation.ifPresent(v -> broken.computeIfAbsent(v, k -> new ArrayList<>()).add(id));
    }
    if (broken.isEmpty()) {
      return;
    }
    int count = broken.values().stream().mapToInt(List::size).sum();
    Map.Entry<Violation, List<DeviceId>> first = broken.entrySet().iterator().next();
    List<DeviceId> named = first.getValue().subList(0, Math.min(DEVICES_NAMED, first.getValue().size()));
    Violation v = first.getKey();
    throw new InvalidInputException("schema_violation", "the change breaks the schema of namespace '" + namespace
        + "' for " + count + (count == 1 ? " device" : " devices") + ": " + join(named)
        + (first.getValue().size() > named.size() ? " and " + (first.getValue().size() - named.size()) + " more" : "")
        + (broken.size() > 1 ? " (and " + (count - first.getValue().size()) + " in other ways)" : "")
        + ": " + namespace + v.path() + " is " + v.value() + ": " + v.message() + " (" + v.rule() + ")");
  }

  private static Optional<Violation> firstViolation(Schema schema, EffectiveConfig config, String namespace,
      Snapshot at) {
    EffectiveConfig part = config.namespace(namespace);
    List<Error> errors = schema.validate(part.tree());
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    Error error = errors.getFirst();
    String path = pointer(error);
    boolean secret = part.provenance().entrySet().stream()
        .filter(e -> ("/" + e.getKey()).startsWith(path) || path.startsWith("/" + e.getKey()))
        .anyMatch(e -> at.entry(e.getValue().key()).map(Entry::secret).orElse(false));
    String value = error.getInstanceNode() == null ? "absent"
        : secret ? Entry.MASK.toString() : Excerpt.of(error.getInstanceNode().toString());
    String message = error.getMessage();
    int colon = message.indexOf(": ");
    return Optional.of(new Violation(path, error.getKeyword(),
        colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message, value));
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
