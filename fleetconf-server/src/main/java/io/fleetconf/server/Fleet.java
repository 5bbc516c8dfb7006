package io.fleetconf.server;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.store.NotFoundException;
import io.fleetconf.store.Store;
import java.util.concurrent.locks.ReentrantLock;

/** The config tree being served: commits go to the store first, then into the live state. */
public final class Fleet {
  private final Store store;
  private final LiveState state;
  private final ReentrantLock commits = new ReentrantLock();

  public Fleet(Store store) {
    this.store = store;
    this.state = new LiveState(store.revision(), store.entries(), store.devices());
  }

  /** Commits and applies under one lock, so that the live state takes change sets in revision order. */
  public ChangeSet commit(Proposal proposal) {
    commits.lock();
    try {
      ChangeSet changeSet = store.commit(proposal);
      state.apply(changeSet);
      return changeSet;
    } finally {
      commits.unlock();
    }
  }

  public Snapshot snapshot() {
    return state.snapshot();
  }

  public Store store() {
    return store;
  }

  public static Device device(Snapshot snapshot, DeviceId id) {
    return snapshot.device(id).orElseThrow(() -> new NotFoundException("device '" + id + "' is not registered"));
  }

  /** The device's effective config as of the snapshot. */
  public static EffectiveConfig effective(Snapshot snapshot, DeviceId id) {
    return snapshot.effective(device(snapshot, id));
  }
}
