package io.fleetconf.core;

import java.util.Optional;

/** What one change set did to one entry or device: its state before and after. */
public sealed interface Change {

  /** True if this change touched {@code prefix} or something below it. */
  boolean isUnder(Key prefix);

  record EntryChange(Key key, Optional<Entry> before, Optional<Entry> after) implements Change {
    @Override
    public boolean isUnder(Key prefix) {
      return key.isUnder(prefix);
    }
  }

  record DeviceChange(DeviceId id, Optional<Device> before, Optional<Device> after) implements Change {
    @Override
    public boolean isUnder(Key prefix) {
      return false;
    }
  }
}
