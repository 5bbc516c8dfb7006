package io.fleetconf.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stored value with its bookkeeping: the revision that created it, the one that last modified it,
 * and how many times it was written since creation (1 on create).
 */
public record Entry(Key key, JsonNode value, Revision createRevision, Revision modRevision, long version) {}
