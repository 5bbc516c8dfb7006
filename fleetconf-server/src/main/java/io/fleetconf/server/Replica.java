package io.fleetconf.server;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.consul.ConsulKeys;
import io.fleetconf.store.NotFoundException;
import io.fleetconf.store.Store;
import io.fleetconf.core.Revision;
import io.fleetconf.store.CommitSignal;
import io.fleetconf.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This server's replica of the store: the config it serves. Commits go to the store first, then
 * into the live state. On a store other servers share (PostgreSQL), a follower applies their
 * change sets too, in revision order, on word of a commit and at least once a second; while it
 * cannot reach the database the replica is not {@linkplain #ready() ready}, so that it does not
 * serve stale state as current.
 */
public final class Replica implements AutoCloseable {
  /** How many recent change sets the watch hub remembers for raw-key watches, by default. */
  public static final int DEFAULT_WATCH_HISTORY = 10_000;
  /** How often a follower catches up without word of a commit (a notification may be lost). */
  static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_RECONNECT_PAUSE = Duration.ofSeconds(5);
  private static final System.Logger LOG = System.getLogger(Replica.class.getName());

  private final Store store;
  private final LiveState state;
  private final WatchHub watches;
  private final ConsulKeys consulKeys;
  private final Schemas schemas = new Schemas();
  private final Rollouts rollouts;
  private final RolloutDriver rolloutDriver;
  /** The most proposals one group commit takes: bounds the transaction, and the wait of the first. */
  static final int MAX_GROUP = 256;
  private final GroupCommit commits = new GroupCommit(MAX_GROUP, this::commitGroup);
  private final List<Consumer<List<String>>> followers = new CopyOnWriteArrayList<>();
  private final List<java.util.function.LongConsumer> commitListeners = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong databaseLosses = new java.util.concurrent.atomic.AtomicLong();
  private volatile Optional<String> unready = Optional.empty();
  private volatile Consumer<Proposal> guard = proposal -> {};
  private volatile boolean closed;
  private Thread follower;

  public Replica(Store store) {
    this(store, DEFAULT_WATCH_HISTORY);
  }

  public Replica(Store store, int watchHistory) {
    this(store, watchHistory, ConsulKeys.DEFAULT);
  }

  /** @param consulKeys the Consul key space, whose root no plain key may shadow */
  public Replica(Store store, int watchHistory, ConsulKeys consulKeys) {
    this.store = store;
    this.consulKeys = consulKeys;
    Store.Image image = store.image();
    this.state = new LiveState(image.revision(), image.entries(), image.devices());
    this.watches = new WatchHub(state.snapshot(), watchHistory);
    this.rollouts = new Rollouts(this, java.time.Clock.systemUTC());
    this.rolloutDriver = new RolloutDriver(this, rollouts, java.time.Clock.systemUTC());
    if (store.shared()) {
      follower = Thread.ofVirtual().name("fleet-follower").start(this::follow);
    }
  }

  /**
   * Commits and applies under one lock, so that the live state takes change sets in revision order;
   * proposals that wait for it are committed in groups ({@link GroupCommit}).
   */
  public ChangeSet commit(Proposal asked) {
    // every write path comes here: the native API, Consul, rollback, restore
    Proposal proposal = Holds.droppingRequirements(state.snapshot(), asked);
    consulKeys.refuseShadowing(proposal);
    MaskedSecrets.refuse(proposal, state.snapshot());
    guard.accept(proposal);
    rollouts.refuse(proposal, state.snapshot());
    long start = System.nanoTime();
    ChangeSet committed = commits.commit(proposal);
    if (!committed.changes().isEmpty()) {
      long nanos = System.nanoTime() - start;
      commitListeners.forEach(listener -> listener.accept(nanos));
      LOG.log(System.Logger.Level.DEBUG, () -> "committed revision " + committed.revision() + ": "
          + committed.changes().size() + " change(s) from " + proposal.source() + " in " + nanos / 1_000_000 + " ms");
    }
    return committed;
  }

  /** Calls {@code listener} with the time each change set this replica commits took, from asking to recorded. */
  public void onCommit(java.util.function.LongConsumer listener) {
    commitListeners.add(listener);
  }

  /** How many times this replica has lost its database since it started. */
  public long databaseLosses() {
    return databaseLosses.get();
  }

  /**
   * What {@code proposal} would do if committed now, without committing it: refused as a commit
   * would be, else its change set and the devices whose effective config it changes.
   */
  /** The schemas and their checks (fleet status asks which devices break them). */
  Schemas schemas() {
    return schemas;
  }

  public Impact preview(Proposal asked, boolean revealSecrets, java.util.function.Predicate<Key> readable) {
    Proposal proposal = Holds.droppingRequirements(state.snapshot(), asked);
    consulKeys.refuseShadowing(proposal);
    MaskedSecrets.refuse(proposal, state.snapshot());
    guard.accept(proposal);
    rollouts.refuse(proposal, state.snapshot());
    ChangeSet changeSet = store.preview(proposal);
    if (changeSet.revision().isAfter(state.snapshot().revision().next())) {
      catchUp(); // another replica committed since this one last followed
    }
    Snapshot before = state.snapshot();
    Snapshot after = before.after(changeSet); // one state for both: the schema check's merges serve the impact
    Optional<String> refusal = Optional.empty();
    try {
      if (!changeSet.changes().isEmpty()) {
        schemas.check(changeSet, before, after, proposal.forceSchemas());
      }
    } catch (InvalidInputException refused) {
      refusal = Optional.of(refused.getMessage()); // a dry run shows it: that is what it is for
    }
    return Impact.of(before, after, changeSet, refusal, revealSecrets, readable);
  }

  /** Commits a group of proposals in one store transaction, each its own change set, applied in order. */
  private void commitGroup(List<GroupCommit.Pending> group) {
    Screening screening = new Screening();
    List<Store.CommitOutcome> outcomes = store.commitAll(group.stream().map(GroupCommit.Pending::proposal).toList(),
        screening);
    for (int i = 0; i < group.size(); i++) {
      switch (outcomes.get(i)) {
        case Store.CommitOutcome.Committed committed -> {
          if (!committed.changeSet().changes().isEmpty()) {
            advanceTo(committed.changeSet(), screening.screened(committed.changeSet()));
          }
          group.get(i).done(committed.changeSet());
        }
        case Store.CommitOutcome.Refused refused -> group.get(i).failed(refused.reason());
      }
    }
  }

  /**
   * Checks each change set of a group commit against the schemas, on the state it would give: the
   * live state, then each earlier change set of the group that passed. Runs with the commit lock
   * and (over PostgreSQL) the database's commit lock held, so no other replica commits meanwhile.
   */
  private final class Screening implements Store.Screen {
    private final List<ChangeSet> passed = new java.util.ArrayList<>();
    private final java.util.Map<Revision, Snapshot> screened = new java.util.HashMap<>();
    private Snapshot base = state.snapshot();

    /** The state the change set gives, as screened: its merges are the fan-out's, not made twice. */
    Optional<Snapshot> screened(ChangeSet changeSet) {
      return Optional.ofNullable(screened.get(changeSet.revision()));
    }

    @Override
    public void check(Proposal proposal, ChangeSet changeSet) {
      if (!changeSet.revision().equals(base.revision().next())) {
        catchUp(); // another replica committed since this one last followed
        base = state.snapshot();
        for (ChangeSet earlier : passed) {
          base = base.after(earlier);
        }
      }
      rollouts.screen(changeSet, base);
      Snapshot after = base.after(changeSet);
      schemas.check(changeSet, base, after, proposal.forceSchemas());
      passed.add(changeSet);
      screened.put(changeSet.revision(), after);
      base = after;
    }
  }

  /**
   * Applies {@code changeSet} (as the state {@code screened} gives, when the screen made it from
   * the live state), first catching up on change sets other servers committed before it.
   */
  private void advanceTo(ChangeSet changeSet, Optional<Snapshot> screened) {
    Revision live = state.snapshot().revision();
    if (!changeSet.revision().isAfter(live)) {
      return;
    }
    if (changeSet.revision().equals(live.next())) {
      state.apply(changeSet, screened);
      watches.publish(changeSet, state.snapshot());
    } else {
      catchUp();
    }
  }

  private void apply(ChangeSet changeSet) {
    state.apply(changeSet);
    watches.publish(changeSet, state.snapshot());
  }

  /** Applies every change set the store has beyond the live state, in order. */
  private void catchUp() {
    commits.locked(() -> {
      for (List<ChangeSet> next; !(next = store.changesSince(state.snapshot().revision(), 1000)).isEmpty(); ) {
        next.forEach(this::apply);
      }
    });
  }

  /** Follows the other servers' commits until closed, through database outages. */
  private void follow() {
    Duration pause = Duration.ofMillis(100);
    while (!closed) {
      try (CommitSignal signal = store.commitSignal()) {
        catchUp(); // what was missed while not listening
        markReady();
        pause = Duration.ofMillis(100);
        while (!closed) {
          List<String> words = signal.await(CATCH_UP_INTERVAL);
          catchUp();
          followers.forEach(listener -> listener.accept(words));
        }
      } catch (StoreException e) {
        if (closed) {
          return; // close() interrupted the wait on the LISTEN connection: the database was not lost
        }
        markUnready(e.getMessage());
        if (!sleep(pause)) {
          return;
        }
        pause = pause.multipliedBy(2).compareTo(MAX_RECONNECT_PAUSE) > 0 ? MAX_RECONNECT_PAUSE : pause.multipliedBy(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Checks every proposal before it is committed; {@code check} refuses one by throwing (the Git
   * sources refuse writes to what they own). One guard; a later call replaces it.
   */
  public void guardWith(Consumer<Proposal> check) {
    guard = check;
  }

  /** Runs the guard on {@code proposal} alone, without committing: to refuse early, with more to say. */
  public void checkGuard(Proposal proposal) {
    guard.accept(proposal);
  }

  /**
   * Calls {@code listener} after every catch-up of the follower (about once a second, and on word
   * of a commit) with the words announced: revisions, or that tokens or certificates changed.
   */
  public void onFollow(Consumer<List<String>> listener) {
    followers.add(listener);
  }

  private void markReady() {
    if (unready.isPresent()) {
      LOG.log(System.Logger.Level.INFO, "back in touch with the database at revision " + state.snapshot().revision()
          + "; ready");
    }
    unready = Optional.empty();
    watches.resume();
  }

  private void markUnready(String reason) {
    if (unready.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "lost the database (" + reason + "); not ready until it is back");
      databaseLosses.incrementAndGet();
      unready = Optional.of(reason);
      watches.suspend(); // held and new watches answer 503 now, so that clients move to another server
    }
  }

  /** Empty when the live state is current; else why not (the database is out of reach). */
  public Optional<String> unready() {
    return unready;
  }

  public boolean ready() {
    return unready.isEmpty();
  }

  private boolean sleep(Duration pause) {
    try {
      Thread.sleep(pause);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  public Snapshot snapshot() {
    return state.snapshot();
  }

  /**
   * The live state, first caught up with every change set the store holds: for a writer that must
   * not work from a view up to {@link #CATCH_UP_INTERVAL} old (a Git follower taking over).
   */
  public Snapshot currentSnapshot() {
    if (store.shared() && store.revision().isAfter(state.snapshot().revision())) {
      catchUp();
    }
    return state.snapshot();
  }

  public Store store() {
    return store;
  }

  public ConsulKeys consulKeys() {
    return consulKeys;
  }

  /** Staged rollouts: starting them, their controls (docs/safe-changes.md). */
  public Rollouts rollouts() {
    return rollouts;
  }

  public WatchHub watches() {
    return watches;
  }

  /** Stops the follower and the watch hub, releasing every held request; the store is the caller's to close. */
  @Override
  public void close() {
    closed = true;
    rolloutDriver.close();
    if (follower != null) {
      follower.interrupt();
    }
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
