package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Owns every held watch. It knows, for each view, the last revision that changed it, and wakes
 * exactly the watchers whose view a change set changed: a device whose effective config (or the
 * watched namespace of it) is unchanged is not woken.
 *
 * <p>Change sets are taken from a queue by one thread, in revision order, so a writer never waits
 * for fan-out. Revisions from before the hub started (its {@linkplain #floor() floor}) are
 * unknown territory: a watch from there is answered at once and marked as a resync.
 */
public final class WatchHub implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WatchHub.class.getName());
  /** Where answers to held watches run unless the caller says: a virtual thread each, as the HTTP server's own requests. */
  public static final java.util.concurrent.Executor ANSWERING = Thread::startVirtualThread;

  /** How a wait ended. */
  public enum WaitEnd {
    /** The view changed after the index. */
    CHANGED,
    /** The view may have changed: the index is older than the hub's floor, or the server stopped being ready. */
    RESYNC,
    /** Nothing changed within the wait (or the watch was let go, or the hub closed). */
    TIMED_OUT;

    /** Whether the view changed, or may have. */
    public boolean changed() {
      return this != TIMED_OUT;
    }

    /** Whether the answer must be the full view, since what happened before it is not known. */
    public boolean resync() {
      return this == RESYNC;
    }
  }

  /** A change set to fan out, and when it was published ({@link System#nanoTime}). */
  private record Published(ChangeSet changeSet, Snapshot after, long at) {}

  private record Touched(Revision revision, List<Key> keys) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final BlockingQueue<Published> queue = new LinkedBlockingQueue<>();
  private final List<java.util.function.LongConsumer> fanOutListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<DeviceId, DeviceRevisions> devices = new HashMap<>();
  private final Map<DeviceId, List<Waiter>> deviceWaiters = new HashMap<>();
  private final List<Waiter> prefixWaiters = new ArrayList<>();
  private final ArrayDeque<Touched> recent = new ArrayDeque<>();
  private final int historyCapacity;
  private final Thread worker;
  /**
   * While the worker wakes a change set's watchers: those to answer on each event loop, handed
   * over in turns once all are woken; touched by the worker only.
   */
  private Map<java.util.concurrent.Executor, List<Waiter>> batches;
  private Revision floor;
  /** Held device-config watches answered because their view changed, since start; guarded by {@code lock}. */
  private long woken;
  /** While set, no watch is held: each is answered at once (see {@link #suspend}); guarded by {@code lock}. */
  private boolean suspended;
  private volatile boolean closed;

  public WatchHub(Snapshot initial, int historyCapacity) {
    this.historyCapacity = historyCapacity;
    this.floor = initial.revision();
    EffectiveConfigs.compute(initial, initial.devices().keySet())
        .forEach((id, config) -> devices.put(id, new DeviceRevisions(config, floor)));
    // A platform thread: a global change's pass over every device is tens of milliseconds of CPU without a
    // blocking call, which on a virtual thread holds one of the few carriers (one per core) that every request
    // handler runs on: a write sent during a 10,000-device fan-out waited 14-60 ms for its handler to start.
    this.worker = Thread.ofPlatform().daemon().name("watch-hub").start(this::run);
  }

  /** Hands a committed change set and the state after it to the hub; returns at once. */
  public void publish(ChangeSet changeSet, Snapshot after) {
    queue.add(new Published(changeSet, after, System.nanoTime()));
  }

  /** The oldest revision the hub can vouch for; an index before it gets a resync. */
  public Revision floor() {
    lock.lock();
    try {
      return floor;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The last revision that changed {@code view}, as far as the hub knows (never older than the
   * floor): a device's desired revision.
   */
  public Revision lastChange(View view) {
    lock.lock();
    try {
      return revisionOf(view);
    } finally {
      lock.unlock();
    }
  }

  /** How many requests are held right now. */
  public int held() {
    lock.lock();
    try {
      return prefixWaiters.size() + deviceWaiters.values().stream().mapToInt(List::size).sum();
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many held device-config watches the fan-out has answered because their view changed,
   * since start: not resyncs, timeouts, prefix watches, or watches answered without being held.
   * Read under the hub's lock, so a change set's fan-out is counted whole or not at all.
   */
  public long woken() {
    lock.lock();
    try {
      return woken;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Completes when {@code view} changes after {@code index}, or {@code wait} passes; at once if it
   * already has, or if {@code index} is older than the {@linkplain #floor() floor}. A held watch
   * is a few objects, not a thread: its answer runs on a virtual thread of its own once it
   * completes, so the fan-out never serialises the answers.
   */
  public Watching watch(View view, Revision index, Duration wait) {
    return watch(view, index, wait, ANSWERING);
  }

  /**
   * As {@link #watch(View, Revision, Duration)}, with the answer run on {@code answering} once the
   * watch is woken or times out: for an answer that never blocks, the connection's event loop, so
   * that a fan-out starts no thread per answer and each write goes out where it is made.
   */
  public Watching watch(View view, Revision index, Duration wait, java.util.concurrent.Executor answering) {
    Waiter waiter = hold(view, index, wait, answering);
    return new Watching(waiter.answered, () -> waiter.done.complete(WaitEnd.TIMED_OUT));
  }

  /**
   * A held watch: its answer, and how to let go of it early (the client went away), which answers
   * it as timed out and frees its place at once.
   */
  public record Watching(CompletableFuture<WaitEnd> answer, Runnable letGo) {}

  /**
   * Waits until {@code view} changes after {@code index}, or {@code wait} passes, as {@link #watch}
   * does, holding the calling thread.
   */
  public WaitEnd await(View view, Revision index, Duration wait) throws InterruptedException {
    Waiter waiter = hold(view, index, wait, ANSWERING);
    try {
      return waiter.answered.get();
    } catch (InterruptedException e) {
      waiter.done.complete(WaitEnd.TIMED_OUT); // let go of the watch
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a watch failed", e.getCause());
    }
  }

  private Waiter hold(View view, Revision index, Duration wait, java.util.concurrent.Executor answering) {
    Waiter waiter = new Waiter(view, index);
    lock.lock();
    try {
      if (closed) {
        return waiter.answer(WaitEnd.TIMED_OUT);
      }
      if (suspended || floor.isAfter(index)) {
        return waiter.answer(WaitEnd.RESYNC);
      }
      if (revisionOf(view).isAfter(index)) {
        return waiter.answer(WaitEnd.CHANGED);
      }
      waitersOf(view).add(waiter);
      waiter.listed = true;
    } finally {
      lock.unlock();
    }
    waiter.done.completeOnTimeout(WaitEnd.TIMED_OUT, wait.toMillis(), TimeUnit.MILLISECONDS);
    // Completed under the hub's lock, by the fan-out (which batches its answers, see process), a
    // timeout or a client gone: forget the waiter and answer elsewhere.
    CompletableFuture<WaitEnd> answered = new CompletableFuture<>();
    waiter.answered = answered;
    waiter.answering = answering;
    waiter.done.whenComplete((outcome, failure) -> {
      if (Thread.currentThread() == worker && batches != null && answering != ANSWERING) {
        batches.computeIfAbsent(answering, loop -> new ArrayList<>()).add(waiter);
      } else {
        answerOn(answering, () -> answer(waiter));
      }
    });
    return waiter;
  }

  /** Forgets {@code waiter} and completes its answer, on the thread it is answered on. */
  private void answer(Waiter waiter) {
    forget(waiter);
    waiter.answered.complete(waiter.done.join());
  }

  /**
   * Answers {@code waiters} on {@code loop}, {@value #ANSWER_BATCH} at a time: between two turns,
   * whatever else waits on that event loop (reading requests, a write's acknowledgement) gets its
   * turn, instead of waiting behind thousands of answers.
   */
  private void answerInTurns(java.util.concurrent.Executor loop, List<Waiter> waiters, int from) {
    answerOn(loop, () -> {
      int to = Math.min(from + ANSWER_BATCH, waiters.size());
      for (int i = from; i < to; i++) {
        answer(waiters.get(i));
      }
      if (to < waiters.size()) {
        answerInTurns(loop, waiters, to);
      }
    });
  }

  /** Runs {@code answering} on {@code executor}, or here if it takes nothing more (an event loop shutting down). */
  private static void answerOn(java.util.concurrent.Executor executor, Runnable answering) {
    try {
      executor.execute(answering);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      answering.run(); // the connection is going too: the answer fails to be written, and frees its slot
    }
  }

  /** Answers one turn of a fan-out on an event loop gives (see {@link #answerInTurns}). */
  private static final int ANSWER_BATCH = 64;

  private void forget(Waiter waiter) {
    if (!waiter.listed) {
      return; // the fan-out took it off already
    }
    lock.lock();
    try {
      List<Waiter> waiters = waitersOf(waiter.view);
      waiters.remove(waiter);
      if (waiters.isEmpty() && waiter.view instanceof View.DeviceConfig config) {
        deviceWaiters.remove(config.device());
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Answers every held watch at once (as a resync), and every new one until {@link #resume}, e.g.
   * while the server is not ready: a watch that slipped past the caller's readiness check just as
   * the server lost its database would otherwise be held for its whole wait.
   */
  public void suspend() {
    lock.lock();
    try {
      suspended = true;
      deviceWaiters.values().forEach(list -> list.forEach(w -> w.done.complete(WaitEnd.RESYNC)));
      prefixWaiters.forEach(w -> w.done.complete(WaitEnd.RESYNC));
    } finally {
      lock.unlock();
    }
  }

  /** Holds watches again, after {@link #suspend}. */
  public void resume() {
    lock.lock();
    try {
      suspended = false;
    } finally {
      lock.unlock();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      deviceWaiters.values().forEach(list -> list.forEach(w -> w.done.complete(WaitEnd.TIMED_OUT)));
      prefixWaiters.forEach(w -> w.done.complete(WaitEnd.TIMED_OUT));
    } finally {
      lock.unlock();
    }
    worker.interrupt();
  }

  private void run() {
    while (!closed) {
      try {
        process(queue.take());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "watch fan-out failed; watchers fall back to their timeouts", e);
      }
    }
  }

  private void process(Published published) {
    ChangeSet changeSet = published.changeSet();
    Snapshot after = published.after();
    Affected affected = Affected.by(changeSet, after);
    // The expensive part, merging configs, runs outside the lock: awaits are not held up by it.
    Map<DeviceId, JsonNode> configs = EffectiveConfigs.compute(after, affected);
    List<Key> keys = changeSet.changes().stream()
        .filter(Change.EntryChange.class::isInstance)
        .map(change -> ((Change.EntryChange) change).key())
        .toList();
    DeviceRevisions.ChangedNamespaces changedNamespaces = new DeviceRevisions.ChangedNamespaces();
    batches = new java.util.IdentityHashMap<>();
    lock.lock();
    try {
      remember(new Touched(changeSet.revision(), keys));
      affected.removed().forEach(id -> {
        devices.remove(id);
        woken += wakeDevice(id, w -> true);
      });
      configs.forEach((id, config) -> {
        DeviceRevisions revisions = devices.get(id);
        if (revisions == null) {
          devices.put(id, new DeviceRevisions(config, changeSet.revision()));
          woken += wakeDevice(id, w -> true);
        } else if (revisions.update(config, changeSet.revision(), changedNamespaces)) {
          woken += wakeDevice(id, w -> revisions.revision(w.view).isAfter(w.index));
        }
      });
      if (!keys.isEmpty()) {
        wake(prefixWaiters, w -> keys.stream().anyMatch(w.view::covers));
      }
    } finally {
      lock.unlock();
      Map<java.util.concurrent.Executor, List<Waiter>> woken = batches;
      batches = null;
      woken.forEach((loop, waiters) -> answerInTurns(loop, waiters, 0));
    }
    long nanos = System.nanoTime() - published.at();
    fanOutListeners.forEach(listener -> listener.accept(nanos));
  }

  /** Calls {@code listener} with each fan-out's time, from the change set's publication to its last wake-up. */
  public void onFanOut(java.util.function.LongConsumer listener) {
    fanOutListeners.add(listener);
  }

  private void remember(Touched touched) {
    recent.addLast(touched);
    while (recent.size() > historyCapacity) {
      floor = recent.removeFirst().revision();
    }
  }

  private int wakeDevice(DeviceId id, java.util.function.Predicate<Waiter> concerned) {
    List<Waiter> waiters = deviceWaiters.get(id);
    if (waiters == null) {
      return 0;
    }
    int answered = wake(waiters, concerned);
    if (waiters.isEmpty()) {
      deviceWaiters.remove(id);
    }
    return answered;
  }

  /**
   * Answers the concerned waiters as changed and takes them off {@code waiters}, so that their
   * answers need not take the lock again; returns how many it answered (not those already answered).
   */
  private static int wake(List<Waiter> waiters, java.util.function.Predicate<Waiter> concerned) {
    int answered = 0;
    for (var each = waiters.iterator(); each.hasNext(); ) {
      Waiter waiter = each.next();
      if (concerned.test(waiter)) {
        each.remove();
        waiter.listed = false;
        if (waiter.done.complete(WaitEnd.CHANGED)) {
          answered++;
        }
      }
    }
    return answered;
  }

  private Revision revisionOf(View view) {
    return switch (view) {
      case View.DeviceConfig config -> {
        DeviceRevisions revisions = devices.get(config.device());
        yield revisions == null ? floor : revisions.revision(view);
      }
      case View.Prefix prefix -> lastTouching(view);
      case View.Raw raw -> lastTouching(view);
    };
  }

  private Revision lastTouching(View view) {
    var newestFirst = recent.descendingIterator();
    while (newestFirst.hasNext()) {
      Touched touched = newestFirst.next();
      if (touched.keys().stream().anyMatch(view::covers)) {
        return touched.revision();
      }
    }
    return floor;
  }

  private List<Waiter> waitersOf(View view) {
    return switch (view) {
      case View.DeviceConfig config -> deviceWaiters.computeIfAbsent(config.device(), id -> new ArrayList<>());
      case View.Prefix prefix -> prefixWaiters;
      case View.Raw raw -> prefixWaiters;
    };
  }

  private static final class Waiter {
    final View view;
    final Revision index;
    /** Completed by the fan-out, a timeout, or {@link #close}. */
    final CompletableFuture<WaitEnd> done = new CompletableFuture<>();
    /** {@link #done}, once the waiter is forgotten, on the thread it is answered on. */
    CompletableFuture<WaitEnd> answered = done;
    /** Where it is answered: an event loop, or {@link #ANSWERING}. */
    java.util.concurrent.Executor answering = ANSWERING;
    /** Whether it is on a list of held waiters; cleared by the fan-out under the lock as it answers. */
    volatile boolean listed;

    Waiter(View view, Revision index) {
      this.view = view;
      this.index = index;
    }

    /** This waiter, answered without being held. */
    Waiter answer(WaitEnd outcome) {
      done.complete(outcome);
      return this;
    }
  }
}
