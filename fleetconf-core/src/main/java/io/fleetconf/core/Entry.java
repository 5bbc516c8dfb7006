package io.fleetconf.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stored value with its bookkeeping: the revision that created it, the one that last modified it,
 * how many times it was written since creation (1 on create), whether it is a secret (encrypted
 * at rest, masked for callers without the right to read secrets), and Consul's opaque
 * {@code flags}, which fleetconf keeps for Consul clients and does not interpret. A {@code replace}
 * entry's value replaces what lower scopes hold at its path instead of deep-merging with it, and the
 * {@code null}s inside it are values, not deletions (Ansible's semantics, docs/api.md).
 */
public record Entry(Key key, JsonNode value, Revision createRevision, Revision modRevision, long version,
    boolean secret, long flags, boolean replace) {
  /** What stands in for a secret value where the reader may not see it. */
  public static final JsonNode MASK = com.fasterxml.jackson.databind.node.TextNode.valueOf("********");

  public Entry(Key key, JsonNode value, Revision createRevision, Revision modRevision, long version,
      boolean secret, long flags) {
    this(key, value, createRevision, modRevision, version, secret, flags, false);
  }

  public Entry(Key key, JsonNode value, Revision createRevision, Revision modRevision, long version) {
    this(key, value, createRevision, modRevision, version, false);
  }

  public Entry(Key key, JsonNode value, Revision createRevision, Revision modRevision, long version, boolean secret) {
    this(key, value, createRevision, modRevision, version, secret, 0);
  }
}
