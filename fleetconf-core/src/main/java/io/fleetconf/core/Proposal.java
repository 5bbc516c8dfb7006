package io.fleetconf.core;

import java.util.List;

/**
 * A change set not yet committed: who asks, why, from where, and the mutations, applied atomically.
 * {@link #MAX_MUTATIONS} is the ceiling for any change set, a rollback or restore of a large subtree
 * included; the API holds a client's own batches to a lower, configurable limit.
 */
public record Proposal(String author, String message, String source, List<Mutation> mutations) {
  public static final int MAX_MUTATIONS = 100_000;
  public static final int MAX_MESSAGE_LENGTH = 1000;

  public Proposal {
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
