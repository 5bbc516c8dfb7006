package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.server.consul.ConsulKeys;
import java.util.Optional;
import java.util.function.Predicate;

/** Something a caller can watch: a device's effective config (all of it or one namespace), or raw keys. */
public sealed interface View {

  /** A device's effective config, or one namespace of it. */
  record DeviceConfig(DeviceId device, Optional<String> namespace) implements View {}

  /** The raw entries at or below a key. */
  record Prefix(Key prefix) implements View {}

  /**
   * Consul's view of keys: the one flat key {@code raw}, or with {@code prefix} every flat key that
   * starts with it (a string prefix, not a path: {@code config/app} covers
   * {@code config/application/data}); only the keys {@code visible} to the caller, so that neither
   * its index nor its wake-ups tell of keys the caller may not read.
   */
  record Raw(String raw, boolean prefix, ConsulKeys keys, Predicate<Key> visible) implements View {}

  /** True if a change to {@code key} changes this view's keys (never for a device's config). */
  default boolean covers(Key key) {
    return switch (this) {
      case DeviceConfig config -> false;
      case Prefix prefix -> key.isUnder(prefix.prefix());
      case Raw raw -> (raw.prefix() ? raw.keys().covers(raw.raw(), key)
          : raw.keys().shows(key) && raw.keys().raw(key).equals(raw.raw())) && raw.visible().test(key);
    };
  }
}
