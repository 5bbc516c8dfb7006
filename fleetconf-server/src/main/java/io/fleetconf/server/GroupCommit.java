package io.fleetconf.server;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Proposal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A replica's commit lock and the proposals waiting for it. The first proposal to find the lock
 * free leads: it commits every proposal waiting by then (up to a bound) as one group, in one store
 * transaction (one disk sync), each still its own change set. The others wait for their answer,
 * or, if the group left them out, to be woken to lead the next; none queues on the lock only to
 * find, one thread after another, that the last group took its proposal.
 */
final class GroupCommit {
  /** Commits {@code group}, in order, with the lock held, answering each proposal as it goes. */
  @FunctionalInterface
  interface Committer {
    void commit(List<Pending> group);
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final int maxGroup;
  private final Committer committer;

  /** @param maxGroup the most proposals one group takes: bounds the transaction, and the wait of the first */
  GroupCommit(int maxGroup, Committer committer) {
    this.maxGroup = maxGroup;
    this.committer = committer;
  }

  /** Commits {@code proposal}, alone or in a group; its change set, or what refused it, thrown. */
  ChangeSet commit(Proposal proposal) {
    Pending mine = new Pending(proposal);
    waiting.add(mine); // before trying the lock: whoever lets go of it then sees this proposal
    boolean interrupted = false;
    while (!mine.result.isDone()) {
      if (lock.tryLock()) {
        try {
          if (!mine.result.isDone()) {
            commitWaiting();
          }
        } finally {
          unlockAndHandOver();
        }
      } else {
        LockSupport.park(this); // until this proposal is done, or it is woken to lead the next group
        interrupted |= Thread.interrupted(); // a commit is not abandoned halfway; the flag is kept for after
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return mine.answer();
  }

  /** Runs {@code work} with the lock held (re-entered inside a group commit), no group committing meanwhile. */
  void locked(Runnable work) {
    lock.lock();
    try {
      work.run();
    } finally {
      if (lock.getHoldCount() == 1) {
        unlockAndHandOver(); // proposals may have queued meanwhile
      } else {
        lock.unlock(); // inside a group commit, whose leader hands over when it is done
      }
    }
  }

  /** Commits what waits (up to the bound), with the lock held. */
  private void commitWaiting() {
    List<Pending> group = new ArrayList<>();
    for (Pending next; group.size() < maxGroup && (next = waiting.poll()) != null; ) {
      group.add(next);
    }
    try {
      committer.commit(group);
    } catch (RuntimeException | Error failed) {
      // Whoever waits on a proposal of this group must hear of it, or it would wait for ever.
      group.forEach(pending -> pending.failed(failed));
      throw failed;
    }
  }

  /**
   * Lets go of the lock and wakes the first proposal still waiting, if any, to lead the next
   * group: it was added before its thread tried the lock, so none is left waiting with no leader.
   */
  private void unlockAndHandOver() {
    lock.unlock();
    Pending next = waiting.peek();
    if (next != null) {
      LockSupport.unpark(next.owner);
    }
  }

  /** A proposal waiting for a group commit, the thread that waits for it, and what became of it. */
  record Pending(Proposal proposal, Thread owner, CompletableFuture<ChangeSet> result) {
    private Pending(Proposal proposal) {
      this(proposal, Thread.currentThread(), new CompletableFuture<>());
    }

    void done(ChangeSet changeSet) {
      result.complete(changeSet);
      LockSupport.unpark(owner);
    }

    void failed(Throwable why) {
      result.completeExceptionally(why);
      LockSupport.unpark(owner);
    }

    private ChangeSet answer() {
      try {
        return result.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
  }
}
