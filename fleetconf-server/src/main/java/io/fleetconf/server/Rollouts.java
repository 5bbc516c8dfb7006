package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Staged rollouts: starting one instead of committing a change, the operator's controls, and the
 * refusal of writes to what a rollout holds. Every step is a change set with source
 * {@value #SOURCE} that rewrites the rollout's entry only if it is unchanged since read (a
 * compare-and-set on its revision), so among replicas over one database each step is taken once.
 * {@link RolloutDriver} takes the steps the reports call for.
 */
public final class Rollouts {
  /** The source of every change set a rollout makes. */
  public static final String SOURCE = "rollout";
  /** {@code ?rollout=none}: commit at once, whatever the namespace's policy. */
  public static final String NONE = "none";

  private final Replica replica;
  private final Clock clock;

  Rollouts(Replica replica, Clock clock) {
    this.replica = replica;
    this.clock = clock;
  }

  /**
   * The policy a write goes out with: the one named ({@code none}: none), else the policy of the
   * namespaces it writes, when they have one; refused when they have different ones.
   */
  public Optional<RolloutPolicy> policyFor(Proposal proposal, Optional<String> requested) {
    Snapshot snapshot = replica.snapshot();
    if (requested.isPresent()) {
      return requested.get().equals(NONE) ? Optional.empty() : Optional.of(policy(snapshot, requested.get())
          .orElseThrow(() -> new InvalidInputException("unknown_rollout_policy", "no rollout policy '"
              + requested.get() + "': write one at " + RolloutPolicy.PREFIX + "/<name>")));
    }
    Set<String> names = new TreeSet<>();
    for (Mutation mutation : proposal.mutations()) {
      keyOf(mutation).filter(key -> !(key.scope() instanceof Scope.Plain) && !key.path().isRoot())
          .map(key -> key.path().segments().get(0)).filter(ns -> policy(snapshot, ns).isPresent()).ifPresent(names::add);
    }
    if (names.size() > 1) {
      throw new InvalidInputException("invalid_rollout", "the change writes namespaces with their own rollout"
          + " policies (" + String.join(", ", names) + "): write them apart, or name one with ?rollout=<policy>");
    }
    return names.stream().findFirst().flatMap(name -> policy(snapshot, name));
  }

  private static Optional<RolloutPolicy> policy(Snapshot snapshot, String name) {
    Key key;
    try {
      key = RolloutPolicy.keyOf(name);
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
    return snapshot.entry(key).map(entry -> RolloutPolicy.parse(name, entry.value()));
  }

  /**
   * Starts a rollout of {@code proposal} under {@code policy}: checked as the change would be
   * (schemas on the fully rolled-out state, compare-and-set), its first wave released at once.
   */
  public Rollout start(Proposal proposal, RolloutPolicy policy) {
    for (int attempt = 0; ; attempt++) {
      Snapshot snapshot = replica.snapshot();
      List<Rollout.Held> held = proposal.mutations().stream().map(m -> Rollout.held(m, snapshot)).toList();
      refuseConflicts(proposal.mutations(), snapshot);
      Impact impact = replica.preview(proposal, true, key -> true);
      if (impact.schemaRefusal().isPresent()) {
        throw new InvalidInputException("schema_violation", impact.schemaRefusal().get());
      }
      Set<DeviceId> targets = new TreeSet<>();
      impact.devices().stream().filter(d -> d.kind() == Impact.Kind.CHANGED).forEach(d -> targets.add(d.device()));
      targets.removeIf(device -> heldInNamespaces(snapshot, device, held)); // they get it at completion
      String id = "r" + snapshot.revision().next().value();
      Rollout rollout = new Rollout(id, Rollout.State.RUNNING, policy.name(), proposal.message(), proposal.author(),
          held, policy.plan(id, targets, snapshot.devices()), 0, Optional.empty(), Optional.empty(),
          policy.bakeSeconds(), policy.maxFailedPercent(), policy.waveTimeoutSeconds(), Optional.empty());
      rollout = rollout.waves().isEmpty() ? rollout : rollout.releaseNext(clock.instant(), snapshot.revision());
      try {
        replica.commit(new Proposal(proposal.author(), "rollout " + id + " started (policy " + policy.name() + ", "
            + rollout.waves().size() + " waves)" + released(rollout) + ": " + proposal.message(), SOURCE,
            List.of(new Mutation.Put(rollout.key(), rollout.toJson(), Optional.of(Revision.ZERO)))));
        return rollout;
      } catch (ConflictException taken) {
        if (attempt == 3) {
          throw taken; // another rollout took the id each time: let the caller try again
        }
      }
    }
  }

  /** Whether the device is held back from a value that needs a version, in a namespace the rollout changes. */
  private static boolean heldInNamespaces(Snapshot snapshot, DeviceId device, List<Rollout.Held> changes) {
    Set<String> namespaces = new TreeSet<>();
    changes.forEach(change -> namespaces.add(change.key().path().namespace()));
    return snapshot.device(device).map(d -> snapshot.holds().of(d).stream()
        .anyMatch(h -> namespaces.contains(h.key().path().namespace()))).orElse(false);
  }

  private static String released(Rollout rollout) {
    return rollout.released() == 0 ? "" : "; wave " + rollout.released() + " ("
        + rollout.waves().get(rollout.released() - 1).name() + ") released to "
        + rollout.waves().get(rollout.released() - 1).devices().size() + " device(s)";
  }

  /** Every rollout, newest first. */
  public List<Rollout> list() {
    List<Rollout> out = new ArrayList<>();
    replica.snapshot().entriesUnder(Rollout.PREFIX).forEach(entry -> Rollout.of(entry).ifPresent(out::add));
    out.sort(Comparator.comparingLong((Rollout r) -> Long.parseLong(r.id().substring(1))).reversed());
    return out;
  }

  /** Where each of {@code list} is, from the devices' latest reports (read once for all). */
  public List<RolloutProgress> progress(List<Rollout> list) {
    var reports = RolloutProgress.byDevice(replica.store().latestReports());
    var registered = replica.snapshot().devices().keySet();
    return list.stream().map(r -> RolloutProgress.of(r, reports, registered, clock.instant())).toList();
  }

  public RolloutProgress progress(Rollout rollout) {
    return progress(List.of(rollout)).get(0);
  }

  public Rollout get(String id) {
    return current(id).map(Current::rollout).orElseThrow(() -> new NotFoundException("no rollout '" + id + "'"));
  }

  /** A rollout and the revision of its entry, for a compare-and-set. */
  record Current(Rollout rollout, Revision revision) {}

  Optional<Current> current(String id) {
    Key key;
    try {
      key = Key.parse(Rollout.PREFIX + "/" + id);
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
    return replica.snapshot().entry(key).flatMap(entry -> Rollout.of(entry).map(r -> new Current(r, entry.modRevision())));
  }

  public Rollout pause(String id, String author) {
    return control(id, author, "paused", r -> need(r, Rollout.State.RUNNING, "pause").with(Rollout.State.PAUSED,
        Optional.empty()));
  }

  public Rollout resume(String id, String author) {
    return control(id, author, "resumed", r -> need(r, Rollout.State.PAUSED, "resume").resumed(clock.instant()));
  }

  /** Stops the rollout: every device resolves the stored entries again, as if it had not started. */
  public Rollout abort(String id, String author) {
    return control(id, author, "aborted", r -> {
      if (!r.state().active()) {
        throw new ConflictException("rollout " + id + " is " + r.state().wire() + ": nothing to abort");
      }
      return r.with(Rollout.State.ABORTED, Optional.of("aborted by " + author));
    });
  }

  /** Releases the next wave now, without waiting for reports or bake time; completes after the last. */
  public Rollout promote(String id, String author) {
    Current current = current(id).orElseThrow(() -> new NotFoundException("no rollout '" + id + "'"));
    if (!current.rollout().state().active()) {
      throw new ConflictException("rollout " + id + " is " + current.rollout().state().wire() + ": nothing to promote");
    }
    if (current.rollout().allReleased()) {
      return complete(current, author, "promoted by " + author);
    }
    return control(id, author, "promoted", r -> r.releaseNext(clock.instant(), replica.snapshot().revision()));
  }

  private Rollout control(String id, String author, String verb, UnaryOperator<Rollout> step) {
    Current current = current(id).orElseThrow(() -> new NotFoundException("no rollout '" + id + "'"));
    Rollout next = step.apply(current.rollout());
    String what = "rollout " + id + " " + verb + (next.released() > current.rollout().released() ? released(next) : "");
    return write(current, next, author, what + " by " + author);
  }

  private static Rollout need(Rollout rollout, Rollout.State state, String verb) {
    if (rollout.state() != state) {
      throw new ConflictException("rollout " + rollout.id() + " is " + rollout.state().wire() + ": cannot " + verb
          + " it");
    }
    return rollout;
  }

  /** Writes the rollout's next state if its entry is still {@code current}'s; a conflict if another step came first. */
  Rollout write(Current current, Rollout next, String author, String message) {
    replica.commit(new Proposal(author, message, SOURCE,
        List.of(new Mutation.Put(next.key(), next.toJson(), Optional.of(current.revision())))));
    return next;
  }

  /** The held changes, committed for good, with the rollout marked completed, in one change set. */
  Rollout complete(Current current, String author, String why) {
    Rollout done = current.rollout().with(Rollout.State.COMPLETED, Optional.of(why));
    List<Mutation> mutations = new ArrayList<>();
    current.rollout().changes().forEach(held -> mutations.add(held.mutation()));
    mutations.add(new Mutation.Put(done.key(), done.toJson(), Optional.of(current.revision())));
    replica.commit(new Proposal(author, "rollout " + done.id() + " completed (" + why + "): " + done.message(), SOURCE,
        mutations));
    return done;
  }

  /** A change to something an active rollout holds, refused naming the rollout. */
  public static final class HeldKeyException extends RuntimeException {
    HeldKeyException(String message) {
      super(message);
    }
  }

  /**
   * Refuses writes to keys an active rollout holds (naming it), and writes to rollouts' entries
   * other than the rollouts' own steps. Proposals with source {@value #SOURCE} are the steps.
   */
  void refuse(Proposal proposal, Snapshot snapshot) {
    if (!proposal.source().equals(SOURCE)) {
      refuseConflicts(proposal.mutations(), snapshot);
    }
    for (Mutation mutation : proposal.mutations()) {
      if (mutation instanceof Mutation.Put put && put.key().isUnder(RolloutPolicy.PREFIX)) {
        // a bad policy would refuse every later write to its namespace: refuse it now instead
        if (put.key().path().depth() != RolloutPolicy.PREFIX.path().depth() + 1) {
          throw new InvalidInputException("invalid_rollout_policy", "a rollout policy's key is "
              + RolloutPolicy.PREFIX + "/<name>, not " + put.key());
        }
        RolloutPolicy.parse(put.key().path().segments().getLast(), put.value());
      }
    }
  }

  /**
   * The same check inside the commit, on the state the change set is planned on (over PostgreSQL
   * with the database's commit lock held): a rollout another replica started just before is seen.
   */
  void screen(io.fleetconf.core.ChangeSet changeSet, Snapshot base) {
    if (changeSet.source().equals(SOURCE)) {
      return;
    }
    try {
      refuseKeys(changeSet.changes().stream().filter(io.fleetconf.core.Change.EntryChange.class::isInstance)
          .map(c -> ((io.fleetconf.core.Change.EntryChange) c).key()).toList(), base);
    } catch (HeldKeyException held) {
      throw new ConflictException(held.getMessage());
    }
  }

  private static void refuseConflicts(List<Mutation> mutations, Snapshot snapshot) {
    refuseKeys(mutations.stream().flatMap(m -> keyOf(m).stream()).toList(), snapshot);
  }

  private static void refuseKeys(List<Key> keys, Snapshot snapshot) {
    List<RolloutOverlay.Active> active = snapshot.rollouts().active();
    for (Key key : keys) {
      if (key.isUnder(Rollout.PREFIX) || Rollout.PREFIX.isUnder(key)) {
        throw new InvalidInputException("invalid_key", "rollouts change through /api/v1/rollouts, not by writing "
            + key);
      }
      for (RolloutOverlay.Active one : active) {
        if (one.rollout().holds(key)) {
          throw new HeldKeyException(key + " is held by rollout " + one.rollout().id() + " ("
              + one.rollout().state().wire() + "): wait for it, or abort or promote it first");
        }
      }
    }
  }

  private static Optional<Key> keyOf(Mutation mutation) {
    return switch (mutation) {
      case Mutation.Put put -> Optional.of(put.key());
      case Mutation.Delete delete -> Optional.of(delete.key());
      case Mutation.DeleteTree tree -> Optional.of(tree.prefix());
      case Mutation.Check check -> Optional.empty();
      case Mutation.CreateDevice create -> Optional.empty();
      case Mutation.UpdateDevice update -> Optional.empty();
      case Mutation.DeleteDevice delete -> Optional.empty();
      case Mutation.SwapSetting swap -> Optional.empty();
    };
  }
}
