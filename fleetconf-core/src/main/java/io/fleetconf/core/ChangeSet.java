package io.fleetconf.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A committed, atomic set of changes: one revision, with who, when, why and from where; for a
 * change set that applies a Git commit, that commit's id.
 */
public record ChangeSet(Revision revision, String author, Instant time, String message, String source,
    Optional<String> commit, List<Change> changes) {
  public ChangeSet {
    changes = List.copyOf(changes);
  }

  public ChangeSet(Revision revision, String author, Instant time, String message, String source,
      List<Change> changes) {
    this(revision, author, time, message, source, Optional.empty(), changes);
  }

  /** The same change set keeping only the changes at or below {@code prefix}. */
  public ChangeSet onlyUnder(Key prefix) {
    return new ChangeSet(
        revision, author, time, message, source, commit, changes.stream().filter(c -> c.isUnder(prefix)).toList());
  }
}
