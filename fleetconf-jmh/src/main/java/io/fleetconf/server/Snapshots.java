package io.fleetconf.server;

import io.fleetconf.core.Device;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.util.Collection;

/** Builds a live-state snapshot the way the server does, for benchmarks outside this package. */
public final class Snapshots {
  private Snapshots() {}

  public static Snapshot of(Revision revision, Collection<Entry> entries, Collection<Device> devices) {
    return new LiveState(revision, entries, devices).snapshot();
  }
}
