package io.fleetconf.core;

import java.time.Instant;
import java.util.List;

/** A committed, atomic set of changes: one revision, with who, when, why and from where. */
public record ChangeSet(
    Revision revision, String author, Instant time, String message, String source, List<Change> changes) {
  public ChangeSet {
    changes = List.copyOf(changes);
  }

  /** The same change set keeping only the changes at or below {@code prefix}. */
  public ChangeSet onlyUnder(Key prefix) {
    return new ChangeSet(
        revision, author, time, message, source, changes.stream().filter(c -> c.isUnder(prefix)).toList());
  }
}
