package io.fleetconf.git;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.util.ArrayList;
import java.util.List;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a config repository says the fleet should be: every entry (one per top-level key of each
 * namespace file), the namespaces the files define, each with the file that holds it, and the
 * devices of the registry ({@code devices.yaml}), with the file that lists them.
 *
 * @param entries entry key to value, in key order
 * @param namespaces {@code <scope>/<namespace>} to the repository path of the file that defines it
 * @param devices the registry's devices by id
 * @param registryFile the repository path of the registry, when there is one
 * @param secrets the entries that were sealed in the files, to be kept as secrets
 * @param replacing the entries that replace what lower scopes hold instead of deep-merging with it
 *     (an Ansible layout's variables, as {@code fleetconf import ansible} writes them)
 */
public record DesiredState(SortedMap<Key, JsonNode> entries, SortedMap<Key, String> namespaces,
    SortedMap<DeviceId, Device> devices, Optional<String> registryFile, java.util.SortedSet<Key> secrets,
    java.util.SortedSet<Key> replacing) {
  public static final DesiredState EMPTY = new DesiredState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
      Optional.empty(), new java.util.TreeSet<>());

  /** A state with no sealed entries. */
  public DesiredState(SortedMap<Key, JsonNode> entries, SortedMap<Key, String> namespaces,
      SortedMap<DeviceId, Device> devices, Optional<String> registryFile) {
    this(entries, namespaces, devices, registryFile, new java.util.TreeSet<>());
  }

  /** A state whose entries all merge as usual. */
  public DesiredState(SortedMap<Key, JsonNode> entries, SortedMap<Key, String> namespaces,
      SortedMap<DeviceId, Device> devices, Optional<String> registryFile, java.util.SortedSet<Key> secrets) {
    this(entries, namespaces, devices, registryFile, secrets, new java.util.TreeSet<>());
  }

  public DesiredState {
    secrets = Collections.unmodifiableSortedSet(new java.util.TreeSet<>(secrets));
    replacing = Collections.unmodifiableSortedSet(new java.util.TreeSet<>(replacing));
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    namespaces = Collections.unmodifiableSortedMap(new TreeMap<>(namespaces));
    devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices));
  }

  /** The {@code <scope>/<namespace>} prefix an entry key belongs to. */
  public static Key namespaceOf(Key key) {
    return new Key(key.scope(), new KeyPath(key.path().segments().subList(0, 1)));
  }

  /** The file that defines the namespace {@code key} lies in, if this state has it. */
  public Optional<String> fileOf(Key key) {
    return key.path().isRoot() ? Optional.empty() : Optional.ofNullable(namespaces.get(namespaceOf(key)));
  }

  /**
   * A registry device's effective config as the files give it, merged by core's
   * {@link EffectiveConfig} as the server merges it (origins carry revision 0: the repository's).
   * What a device following the repository itself will use.
   */
  public EffectiveConfig effective(DeviceId id) {
    Device device = Optional.ofNullable(devices.get(id)).orElseThrow(() -> new InvalidInputException(
        "invalid_device", "device '" + id + "' is not in " + registryFile.orElse(Layout.REGISTRY)));
    List<Layer> layers = new ArrayList<>();
    for (Scope scope : device.scopes()) {
      List<Entry> inScope = new ArrayList<>();
      entries.forEach((key, value) -> {
        if (key.scope().equals(scope)) {
          inScope.add(new Entry(key, value, Revision.ZERO, Revision.ZERO, 1, secrets.contains(key), 0,
              replacing.contains(key)));
        }
      });
      layers.add(Layer.of(inScope));
    }
    return EffectiveConfig.merge(layers);
  }

  /** The ids of the registry's devices. */
  public Set<DeviceId> deviceIds() {
    return devices.keySet();
  }
}
