package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import java.util.Optional;

/** Something a caller can watch: a device's effective config (all of it or one namespace), or raw keys. */
public sealed interface View {

  /** A device's effective config, or one namespace of it. */
  record DeviceConfig(DeviceId device, Optional<String> namespace) implements View {}

  /** The raw entries at or below a key. */
  record Prefix(Key prefix) implements View {}

  /**
   * Consul's view of keys: the one flat key {@code raw} under {@code root}, or with {@code prefix}
   * every flat key that starts with it (a string prefix, not a path: {@code config/app} covers
   * {@code config/application/data}).
   */
  record Raw(String raw, boolean prefix, String root) implements View {}

  /** True if a change to {@code key} changes this view's keys (never for a device's config). */
  default boolean covers(Key key) {
    return switch (this) {
      case DeviceConfig config -> false;
      case Prefix prefix -> key.isUnder(prefix.prefix());
      case Raw raw -> raw.prefix() ? key.raw(raw.root()).startsWith(raw.raw()) : key.raw(raw.root()).equals(raw.raw());
    };
  }
}
