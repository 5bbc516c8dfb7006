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
public final class Fleet implements AutoCloseable {
  /** How many recent change sets the watch hub remembers for raw-key watches, by default. */
  public static final int DEFAULT_WATCH_HISTORY = 10_000;

  private final Store store;
  private final LiveState state;
  private final WatchHub watches;
  private final ReentrantLock commits = new ReentrantLock();

  public Fleet(Store store) {
    this(store, DEFAULT_WATCH_HISTORY);
  }

  public Fleet(Store store, int watchHistory) {
    this.store = store;
    this.state = new LiveState(store.revision(), store.entries(), store.devices());
    this.watches = new WatchHub(state.snapshot(), watchHistory);
  }

  /** Commits and applies under one lock, so that the live state takes change sets in revision order. */
  public ChangeSet commit(Proposal proposal) {
    commits.lock();
    try {
      ChangeSet changeSet = store.commit(proposal);
      if (!changeSet.changes().isEmpty()) {
        state.apply(changeSet);
        watches.publish(changeSet, state.snapshot());
      }
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

  public WatchHub watches() {
    return watches;
  }

  /** Stops the watch hub, releasing every held request; the store is the caller's to close. */
  @Override
  public void close() {
    watches.close();
  }

  public static Device device(Snapshot snapshot, DeviceId id) {
    return snapshot.device(id).orElseThrow(() -> new NotFoundException("device '" + id + "' is not registered"));
  }

  /** The device's effective config as of the snapshot. */
  public static EffectiveConfig effective(Snapshot snapshot, DeviceId id) {
    return snapshot.effective(device(snapshot, id));
  }
}
