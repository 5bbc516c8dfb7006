package io.fleetconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One requested change inside a proposed change set. */
public sealed interface Mutation {

  /**
   * Sets an entry. With {@code expected}, the write happens only if the entry's modify revision is
   * that value; {@link Revision#ZERO} means "only if it does not exist yet". With {@code secret} the
   * entry becomes a secret; an entry that is a secret stays one until it is deleted. With
   * {@code flags} (Consul's), the entry takes them; without, it keeps those it has (0 when new).
   * {@code replace} likewise sets {@link Entry#replace()} when given and keeps it when empty (so
   * that a Consul client, which does not know it, leaves it as it is).
   */
  record Put(Key key, JsonNode value, Optional<Revision> expected, boolean secret, java.util.OptionalLong flags,
      Optional<Boolean> replace) implements Mutation {
    public Put {
      if (key.path().isRoot()) {
        throw new InvalidInputException("invalid_key", "cannot put a value on a whole scope: " + key);
      }
      ValueLimits.checkDepth(value, key);
    }

    public Put(Key key, JsonNode value, Optional<Revision> expected, boolean secret, java.util.OptionalLong flags) {
      this(key, value, expected, secret, flags, Optional.empty());
    }

    public Put(Key key, JsonNode value, Optional<Revision> expected, boolean secret) {
      this(key, value, expected, secret, java.util.OptionalLong.empty());
    }

    public Put(Key key, JsonNode value, Optional<Revision> expected) {
      this(key, value, expected, false);
    }

    public static Put of(Key key, JsonNode value) {
      return new Put(key, value, Optional.empty());
    }
  }

  /** Removes one entry, which must exist (and match {@code expected}, when given). */
  record Delete(Key key, Optional<Revision> expected) implements Mutation {}

  /**
   * Changes nothing, but fails the change set unless the entry's modify revision is {@code expected}
   * ({@link Revision#ZERO}: unless the key does not exist). Checked inside the commit, so that a
   * Consul transaction's checks and writes are one atomic step even across replicas.
   */
  record Check(Key key, Revision expected) implements Mutation {}

  /** Removes every entry at or below {@code prefix}; removing nothing is not an error. */
  record DeleteTree(Key prefix) implements Mutation {}

  /** Registers a new device; refused if the id is taken. */
  record CreateDevice(Device device) implements Mutation {}

  /** Replaces an existing device's groups and labels. */
  record UpdateDevice(Device device) implements Mutation {}

  /** Unregisters a device and removes every entry of its scope. */
  record DeleteDevice(DeviceId id) implements Mutation {}

  /**
   * Moves a named store setting from {@code expected} (empty: not set) to {@code value} in the
   * change set's transaction, or fails it with a conflict. Not config: it adds no change to
   * history. A Git source's cursor moves so, atomically with its commit's change set, so that two
   * servers racing on one commit record it once.
   */
  record SwapSetting(String name, Optional<String> expected, String value) implements Mutation {}
}
