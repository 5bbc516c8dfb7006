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
}
