package io.fleetconf.git;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Scope;
import io.fleetconf.format.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The mutations that bring what a source owns from what the store holds to a desired state. A
 * source owns the namespaces and registry devices of the state it last applied and of the one it
 * applies now: a namespace whose file was removed is emptied, a device dropped from the registry is
 * unregistered; nothing else is touched. Comparing with the store rather than with the previous
 * commit makes a commit after a skipped (bad) one, a force-push and a restart all come out right.
 */
public final class Reconcile {
  private Reconcile() {}

  /** The mutations, devices created or updated first, then entries put and deleted, then devices removed. */
  public static List<Mutation> mutations(DesiredState previous, DesiredState desired, List<Entry> current,
      List<Device> currentDevices) {
    List<Mutation> mutations = new ArrayList<>();
    Set<DeviceId> removed = devices(previous, desired, currentDevices, mutations);
    entries(previous, desired, current, removed, mutations);
    removed.forEach(id -> mutations.add(new Mutation.DeleteDevice(id)));
    return mutations;
  }

  /** Adds the creates and updates of registry devices; answers the devices to remove, in id order. */
  private static Set<DeviceId> devices(DesiredState previous, DesiredState desired, List<Device> currentDevices,
      List<Mutation> mutations) {
    Set<DeviceId> owned = new TreeSet<>(previous.deviceIds());
    owned.addAll(desired.deviceIds());
    Map<DeviceId, Device> registered = new TreeMap<>();
    currentDevices.forEach(device -> registered.put(device.id(), device));
    Set<DeviceId> removed = new TreeSet<>();
    for (DeviceId id : owned) {
      Optional<Device> want = Optional.ofNullable(desired.devices().get(id));
      Optional<Device> have = Optional.ofNullable(registered.get(id));
      if (want.isPresent() && have.isEmpty()) {
        mutations.add(new Mutation.CreateDevice(want.get()));
      } else if (want.isPresent() && !want.get().equals(have.get())) {
        mutations.add(new Mutation.UpdateDevice(want.get()));
      } else if (want.isEmpty() && have.isPresent()) {
        removed.add(id);
      }
    }
    return removed;
  }

  /** Adds the puts and deletes of entries in owned namespaces (not those a device removal takes away). */
  private static void entries(DesiredState previous, DesiredState desired, List<Entry> current,
      Set<DeviceId> removed, List<Mutation> mutations) {
    Set<Key> namespaces = new TreeSet<>(previous.namespaces().keySet());
    namespaces.addAll(desired.namespaces().keySet());
    Map<Key, Entry> stored = new TreeMap<>();
    for (Entry entry : current) {
      if (!entry.key().path().isRoot() && namespaces.contains(DesiredState.namespaceOf(entry.key()))) {
        stored.put(entry.key(), entry);
      }
    }
    desired.entries().forEach((key, value) -> {
      Entry have = stored.get(key);
      boolean secret = desired.secrets().contains(key);
      boolean replace = desired.replacing().contains(key);
      boolean wasReplacing = have != null && have.replace();
      // Compared as text, so that a change of key order or of a number's spelling is a change too.
      if (have == null || !Json.write(have.value()).equals(Json.write(value)) || secret && !have.secret()
          || replace != wasReplacing) {
        // The flag said only where it is on, or must be turned off: a put that does not say keeps it.
        mutations.add(new Mutation.Put(key, value, Optional.empty(), secret, java.util.OptionalLong.empty(),
            replace || wasReplacing ? Optional.of(replace) : Optional.empty()));
      }
    });
    stored.keySet().stream()
        .filter(key -> !desired.entries().containsKey(key))
        .filter(key -> !(key.scope() instanceof Scope.Device device && removed.contains(device.device())))
        .forEach(key -> mutations.add(new Mutation.Delete(key, Optional.empty())));
  }
}
