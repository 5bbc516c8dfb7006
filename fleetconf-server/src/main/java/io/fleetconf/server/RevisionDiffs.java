package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.store.NotFoundException;
import io.fleetconf.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Differences between two revisions: of raw entries, or of one device's effective config. */
public final class RevisionDiffs {

  /** One path whose value differs; an empty side means absent there. */
  public record Difference(String name, Optional<JsonNode> from, Optional<JsonNode> to) {}

  private final Store store;

  public RevisionDiffs(Store store) {
    this.store = store;
  }

  /**
   * Raw entries that differ between {@code from} and {@code to}, optionally under a prefix; unless
   * {@code reveal}, the values of secret entries are masked.
   */
  public List<Difference> raw(Revision from, Revision to, Optional<Key> prefix, boolean reveal) {
    Set<String> secret = new HashSet<>();
    List<Difference> differences = compare(values(from, prefix, secret), values(to, prefix, secret));
    return reveal ? differences : mask(differences, secret);
  }

  /** Leaves of the device's effective config (optionally one namespace) that differ. */
  public List<Difference> effective(
      Revision from, Revision to, DeviceId id, Optional<String> namespace, boolean reveal) {
    Set<String> secret = new HashSet<>();
    Optional<EffectiveConfig> before = effectiveAt(from, id, secret);
    Optional<EffectiveConfig> after = effectiveAt(to, id, secret);
    if (before.isEmpty() && after.isEmpty()) {
      throw new NotFoundException("device '" + id + "' did not exist at revision " + from + " nor at " + to);
    }
    List<Difference> differences = compare(leaves(before, namespace), leaves(after, namespace));
    if (reveal) {
      return differences;
    }
    Set<String> secretPaths = new HashSet<>();
    for (Optional<EffectiveConfig> config : List.of(before, after)) {
      config.map(c -> namespace.map(c::namespace).orElse(c))
          .ifPresent(c -> secretPaths.addAll(c.pathsFrom(key -> secret.contains(key.toString()))));
    }
    return mask(differences, secretPaths);
  }

  /** {@code differences} with the values at {@code secret} paths masked. */
  static List<Difference> mask(List<Difference> differences, Set<String> secret) {
    return differences.stream().map(d -> secret.contains(d.name())
        ? new Difference(d.name(), d.from().map(v -> Entry.MASK), d.to().map(v -> Entry.MASK)) : d).toList();
  }

  private Optional<EffectiveConfig> effectiveAt(Revision at, DeviceId id, Set<String> secret) {
    Optional<Device> device = store.devicesAt(at).stream().filter(d -> d.id().equals(id)).findFirst();
    if (device.isEmpty()) {
      return Optional.empty();
    }
    List<Entry> entries = store.entriesAt(at);
    entries.stream().filter(Entry::secret).forEach(entry -> secret.add(entry.key().toString()));
    Map<Scope, List<Entry>> byScope = entries.stream()
        .collect(Collectors.groupingBy(entry -> entry.key().scope()));
    List<Layer> layers = device.get().scopes().stream()
        .map(scope -> Layer.of(byScope.getOrDefault(scope, List.of())))
        .toList();
    return Optional.of(EffectiveConfig.merge(layers));
  }

  private static SortedMap<String, JsonNode> leaves(Optional<EffectiveConfig> config, Optional<String> namespace) {
    return config.map(c -> namespace.map(c::namespace).orElse(c).leaves()).orElseGet(TreeMap::new);
  }

  private SortedMap<String, JsonNode> values(Revision at, Optional<Key> prefix, Set<String> secret) {
    List<Entry> entries = prefix.map(p -> store.entriesAt(at, p)).orElseGet(() -> store.entriesAt(at));
    SortedMap<String, JsonNode> out = new TreeMap<>();
    entries.forEach(entry -> out.put(entry.key().toString(), entry.value()));
    entries.stream().filter(Entry::secret).forEach(entry -> secret.add(entry.key().toString()));
    return out;
  }

  /** The names whose values differ between two leaf maps, in name order. */
  static List<Difference> compare(SortedMap<String, JsonNode> from, SortedMap<String, JsonNode> to) {
    TreeSet<String> names = new TreeSet<>(from.keySet());
    names.addAll(to.keySet());
    List<Difference> out = new ArrayList<>();
    for (String name : names) {
      Optional<JsonNode> before = Optional.ofNullable(from.get(name));
      Optional<JsonNode> after = Optional.ofNullable(to.get(name));
      if (!before.equals(after)) {
        out.add(new Difference(name, before, after));
      }
    }
    return out;
  }
}
