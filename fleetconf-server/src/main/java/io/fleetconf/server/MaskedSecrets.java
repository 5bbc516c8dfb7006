package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.LiveState.Snapshot;

/**
 * Refuses a write that would put a secret's mask in place of the secret: a reader without {@code read secrets}
 * sees {@link Entry#MASK} instead of the value, and writing what it read back (a Consul export and import, a
 * read-modify-write) would replace the secret by the mask's eight asterisks.
 */
final class MaskedSecrets {
  private MaskedSecrets() {}

  /** Refuses {@code proposal} if it puts a value holding the mask to a key that is, or becomes, secret. */
  static void refuse(Proposal proposal, Snapshot snapshot) {
    for (Mutation mutation : proposal.mutations()) {
      if (mutation instanceof Mutation.Put put && holdsMask(put.value())
          && (put.secret() || snapshot.entry(put.key()).map(Entry::secret).orElse(false))) {
        throw new InvalidInputException("masked_secret", put.key() + " is a secret, and the value written holds its"
            + " mask " + Entry.MASK + ", which readers without 'read secrets' see in its place: write the secret itself");
      }
    }
  }

  /** The mask itself, or a map or list with the mask somewhere in it (a secret object's parts are masked alike). */
  private static boolean holdsMask(JsonNode value) {
    if (value.isContainerNode()) {
      for (JsonNode inner : value) {
        if (holdsMask(inner)) {
          return true;
        }
      }
      return false;
    }
    return value.equals(Entry.MASK);
  }
}
