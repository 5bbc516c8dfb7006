package io.fleetconf.server.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.git.DesiredState;
import io.fleetconf.store.Store;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a source stands, as the store keeps it (setting {@code git.NAME.cursor}, JSON): the last
 * commit looked at, the last commit applied, and what that commit's files own. It moves only in
 * the transaction of the change set it goes with, and only from the value the mover read (see
 * {@link Mutation.SwapSetting}), so every replica reads the same owner of every key, a follower
 * that takes over goes on from where the last one stopped, and two racing on one commit record it
 * once.
 *
 * @param namespaces {@code <scope>/<namespace>} to the file that defines it
 * @param devices the devices the registry lists
 * @param registryFile the registry's path, when there is one
 */
record Cursor(Optional<String> seen, Optional<String> applied, SortedMap<Key, String> namespaces,
    SortedSet<DeviceId> devices, Optional<String> registryFile) {
  static final Cursor START = new Cursor(Optional.empty(), Optional.empty(), new TreeMap<>(), new TreeSet<>(),
      Optional.empty());
  private static final ObjectMapper JSON = new ObjectMapper();

  Cursor {
    namespaces = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(namespaces));
    devices = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(devices));
  }

  static String settingName(String source) {
    return "git." + source + ".cursor";
  }

  /** The source's cursor and its stored text (empty before the first commit looked at). */
  static Stored load(Store store, String source) {
    Optional<String> text = store.setting(settingName(source));
    return new Stored(text, text.map(Cursor::parse).orElse(START));
  }

  /** A cursor as read, with the text a move must find in place. */
  record Stored(Optional<String> text, Cursor cursor) {
    /** The mutation that moves the stored cursor to {@code next}, if no one moved it meanwhile. */
    Mutation.SwapSetting moveTo(String source, Cursor next) {
      return new Mutation.SwapSetting(settingName(source), text, next.write());
    }
  }

  /** Looked at {@code commit} and applied it: the source now owns what {@code state} defines. */
  Cursor applied(String commit, DesiredState state) {
    return new Cursor(Optional.of(commit), Optional.of(commit), state.namespaces(), new TreeSet<>(state.deviceIds()),
        state.registryFile());
  }

  /** Looked at {@code commit} without applying it (refused): ownership stays with the last applied. */
  Cursor refused(String commit) {
    return new Cursor(Optional.of(commit), applied, namespaces, devices, registryFile);
  }

  /** What the source owns as a state without entries: the "before" of a reconciliation. */
  DesiredState owned() {
    SortedMap<DeviceId, Device> listed = new TreeMap<>();
    devices.forEach(id -> listed.put(id, new Device(id, java.util.List.of(), Map.of())));
    return new DesiredState(new TreeMap<>(), namespaces, listed, registryFile);
  }

  String write() {
    ObjectNode out = JSON.createObjectNode();
    seen.ifPresent(commit -> out.put("seen", commit));
    applied.ifPresent(commit -> out.put("applied", commit));
    ObjectNode files = out.putObject("namespaces");
    namespaces.forEach((key, file) -> files.put(key.toString(), file));
    var ids = out.putArray("devices");
    devices.forEach(id -> ids.add(id.value()));
    registryFile.ifPresent(file -> out.put("registry", file));
    return out.toString();
  }

  static Cursor parse(String text) {
    try {
      JsonNode in = JSON.readTree(text);
      SortedMap<Key, String> namespaces = new TreeMap<>();
      in.path("namespaces").fields().forEachRemaining(f -> namespaces.put(Key.parse(f.getKey()), f.getValue().asText()));
      SortedSet<DeviceId> devices = new TreeSet<>();
      in.path("devices").forEach(id -> devices.add(DeviceId.of(id.asText())));
      return new Cursor(text(in, "seen"), text(in, "applied"), namespaces, devices, text(in, "registry"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("the store's git cursor is not readable: " + e.getMessage(), e);
    }
  }

  private static Optional<String> text(JsonNode in, String field) {
    return in.hasNonNull(field) ? Optional.of(in.get(field).asText()) : Optional.empty();
  }
}
