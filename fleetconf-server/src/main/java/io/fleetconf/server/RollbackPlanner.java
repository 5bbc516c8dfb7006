package io.fleetconf.server;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plans the way back: undoing one change set, or putting a subtree as it was at a revision. Both
 * become ordinary new change sets; history is never rewritten. Every planned write carries a
 * compare-and-set on the state it was planned from, so a concurrent edit fails the commit instead
 * of being overwritten.
 */
public final class RollbackPlanner {
  private final Replica replica;

  public RollbackPlanner(Replica replica) {
    this.replica = replica;
  }

  /** The change set at {@code revision}, or a 404 that says which revisions exist. */
  public ChangeSet changeSet(Revision revision) {
    return replica.store().changeSet(revision).orElseThrow(() -> new NotFoundException(
        "revision " + revision + " does not exist (the latest is " + replica.snapshot().revision() + ")"));
  }

  /** Checks that {@code revision} has happened; 0, the empty store, always has. */
  public Revision existing(Revision revision) {
    Revision latest = replica.snapshot().revision();
    if (revision.isAfter(latest)) {
      throw new NotFoundException("revision " + revision + " does not exist (the latest is " + latest + ")");
    }
    return revision;
  }

  /**
   * Mutations that undo the change set at {@code target}. Without {@code force}, refused if anything
   * it touched has changed since.
   */
  public List<Mutation> rollback(Revision target, boolean force) {
    ChangeSet changeSet = changeSet(target);
    Snapshot now = replica.snapshot();
    List<String> changedSince = new ArrayList<>();
    List<Mutation> first = new ArrayList<>();
    List<Mutation> entries = new ArrayList<>();
    List<Mutation> last = new ArrayList<>();
    for (Change change : changeSet.changes()) {
      switch (change) {
        case Change.EntryChange entry -> {
          Optional<Entry> current = now.entry(entry.key());
          if (!sameRevision(current, entry.after())) {
            changedSince.add(entry.key().toString());
          }
          revert(entry.key(), current, entry.before()).ifPresent(entries::add);
        }
        case Change.DeviceChange device -> {
          Optional<Device> current = now.device(device.id());
          if (!current.equals(device.after())) {
            changedSince.add("device " + device.id());
          }
          if (device.before().isPresent()) {
            first.add(current.isPresent()
                ? new Mutation.UpdateDevice(device.before().get())
                : new Mutation.CreateDevice(device.before().get()));
          } else if (current.isPresent()) {
            last.add(new Mutation.DeleteDevice(device.id()));
          }
        }
      }
    }
    if (!force && !changedSince.isEmpty()) {
      throw new ConflictException("cannot roll back revision " + target + ": changed since: "
          + String.join(", ", changedSince) + "; pass force=true to roll back anyway");
    }
    first.addAll(entries);
    first.addAll(last);
    if (first.isEmpty()) {
      throw new ConflictException("revision " + target + " has nothing left to roll back");
    }
    return first;
  }

  /** Mutations that make everything at or below {@code prefix} as it was right after {@code at}. */
  public List<Mutation> restore(Key prefix, Revision at) {
    existing(at);
    Snapshot now = replica.snapshot();
    Map<Key, Entry> past = byKey(replica.store().entriesAt(at, prefix));
    Map<Key, Entry> present = byKey(now.entriesUnder(prefix));
    List<Mutation> mutations = new ArrayList<>();
    TreeMap<Key, Boolean> keys = new TreeMap<>();
    past.keySet().forEach(key -> keys.put(key, true));
    present.keySet().forEach(key -> keys.put(key, true));
    for (Key key : keys.keySet()) {
      Optional<Entry> current = Optional.ofNullable(present.get(key));
      Optional<Entry> then = Optional.ofNullable(past.get(key));
      if (current.map(Entry::value).equals(then.map(Entry::value))
          && current.map(Entry::replace).equals(then.map(Entry::replace))) {
        continue;
      }
      revert(key, current, then).ifPresent(mutations::add);
    }
    return mutations;
  }

  /**
   * Mutations that make the version requirements ({@code --requires}) of the keys at or below {@code prefix} as
   * they were right after {@code at}: a value restored to before its requirement no longer waits for it.
   */
  public List<Mutation> restoreRequirements(Key prefix, Revision at) {
    return prefix.scope() instanceof io.fleetconf.core.Scope.Plain ? List.of()
        : restore(Holds.requirementKey(prefix), at);
  }

  private static Optional<Mutation> revert(Key key, Optional<Entry> current, Optional<Entry> target) {
    Optional<Revision> expected = Optional.of(current.map(Entry::modRevision).orElse(Revision.ZERO));
    if (target.isPresent()) {
      return Optional.of(new Mutation.Put(key, target.get().value(), expected, target.get().secret(),
          java.util.OptionalLong.of(target.get().flags()), Optional.of(target.get().replace())));
    }
    return current.isPresent() ? Optional.of(new Mutation.Delete(key, expected)) : Optional.empty();
  }

  private static boolean sameRevision(Optional<Entry> current, Optional<Entry> after) {
    return current.map(Entry::modRevision).equals(after.map(Entry::modRevision));
  }

  private static Map<Key, Entry> byKey(List<Entry> entries) {
    return entries.stream().collect(Collectors.toMap(Entry::key, Function.identity()));
  }
}
