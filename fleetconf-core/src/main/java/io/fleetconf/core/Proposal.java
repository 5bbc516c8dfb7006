package io.fleetconf.core;

import java.util.List;
import java.util.Optional;

/**
 * A change set not yet committed: who asks, why, from where (with the Git commit it applies, for
 * source {@code git}), the mutations, applied atomically, and whether a schema it writes is taken
 * even though devices' current config breaks it ({@code forceSchemas}; docs/safe-changes.md).
 * {@link #MAX_MUTATIONS} is the ceiling for any change set, a rollback or restore of a large subtree
 * included; the API holds a client's own batches to a lower, configurable limit.
 */
public record Proposal(String author, String message, String source, Optional<String> commit,
    List<Mutation> mutations, boolean forceSchemas) {
  public static final int MAX_MUTATIONS = 100_000;
  public static final int MAX_MESSAGE_LENGTH = 1000;

  private static final java.util.regex.Pattern COMMIT_ID = java.util.regex.Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  public Proposal(String author, String message, String source, List<Mutation> mutations) {
    this(author, message, source, Optional.empty(), mutations);
  }

  public Proposal(String author, String message, String source, Optional<String> commit, List<Mutation> mutations) {
    this(author, message, source, commit, mutations, false);
  }

  /** This proposal, taking the schemas it writes even where devices' current config breaks them. */
  public Proposal forcingSchemas() {
    return new Proposal(author, message, source, commit, mutations, true);
  }

  /** A proposal that applies the Git commit {@code commit} (its full SHA-1 or SHA-256 id). */
  public static Proposal ofCommit(String author, String message, String commit, List<Mutation> mutations) {
    return new Proposal(author, message, "git", Optional.of(commit), mutations);
  }

  public Proposal {
    if (commit.isPresent() && !COMMIT_ID.matcher(commit.get()).matches()) {
      throw new InvalidInputException("invalid_commit", "a commit id is 40 or 64 lower-case hex digits");
    }
    mutations = List.copyOf(mutations);
    if (mutations.isEmpty()) {
      throw new InvalidInputException("empty_change_set", "a change set needs at least one operation");
    }
    if (mutations.size() > MAX_MUTATIONS) {
      throw new InvalidInputException(
          "too_many_operations", "a change set holds at most " + MAX_MUTATIONS + " operations, got " + mutations.size());
    }
    if (message.length() > MAX_MESSAGE_LENGTH) {
      throw new InvalidInputException(
          "invalid_message", "message is longer than " + MAX_MESSAGE_LENGTH + " characters");
    }
  }
}
