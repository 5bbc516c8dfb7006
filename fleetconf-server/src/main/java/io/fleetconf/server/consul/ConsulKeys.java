package io.fleetconf.server.consul;

import io.fleetconf.core.Excerpt;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Consul's flat key space over fleetconf's keys: a key under {@code root} ({@code fleet/global/...})
 * is a layered entry, any other a plain one. A plain key whose first segment is the root (or
 * {@code fleet}, which names the layered keys in ACL rules) would read as a layered key, so it is
 * refused on every write and left out of the Consul view.
 */
public record ConsulKeys(String root) {
  /** Consul's key space with the default root, {@code fleet}. */
  public static final ConsulKeys DEFAULT = new ConsulKeys(Key.ROOT);

  /** The flat key Consul clients see for {@code key}. */
  public String raw(Key key) {
    return key.raw(root);
  }

  /** The fleetconf key a Consul key names; refuses keys Consul clients cannot mean. */
  public Key keyOf(String raw) {
    if (raw.isEmpty()) {
      throw new InvalidInputException("invalid_key", "missing key: the path after /v1/kv/ names it");
    }
    if (raw.endsWith("/")) {
      throw new InvalidInputException("invalid_key", "key '" + Excerpt.of(raw) + "' ends in '/': fleetconf has no folder keys"
          + " (a key names a value; folders exist by the keys below them)");
    }
    if (!root.equals(Key.ROOT) && (raw.equals(Key.ROOT) || raw.startsWith(Key.ROOT + "/"))) {
      // ACL rules name layered keys as fleet/<scope>/...: a plain key there would be read as one.
      throw new InvalidInputException("invalid_key", "key '" + Excerpt.of(raw) + "' is reserved: '" + Key.ROOT + "/...' names"
          + " fleetconf's layered keys in ACL rules; with the Consul root '" + root + "' they are '" + root + "/...'");
    }
    return Key.fromRaw(raw, root);
  }

  /** False for a plain key that would pass for a layered one (written before such keys were refused, or under a root since changed). */
  public boolean shows(Key key) {
    return reservedSegment(key).isEmpty();
  }

  /** True if {@code key} shows in the Consul view and its flat form starts with {@code prefix}. */
  public boolean covers(String prefix, Key key) {
    return shows(key) && raw(key).startsWith(prefix);
  }

  /**
   * The prefixes, as ACL rules write keys (layered ones as {@code fleet/...}), whose keys together
   * are every key the Consul string prefix {@code prefix} can cover; a caller who may write all of
   * them may delete the prefix, whatever exists under it.
   */
  public List<String> rulePrefixes(String prefix) {
    String layered = root + "/";
    if (prefix.startsWith(layered)) {
      return List.of(Key.ROOT + "/" + prefix.substring(layered.length()));
    }
    List<String> prefixes = new ArrayList<>();
    if (layered.startsWith(prefix)) {
      prefixes.add(Key.ROOT + "/");
    }
    prefixes.add(prefix); // the plain keys
    return prefixes;
  }

  /** Refuses a proposal that would write a plain key under the root or under {@code fleet}. */
  public void refuseShadowing(Proposal proposal) {
    for (Mutation mutation : proposal.mutations()) {
      if (mutation instanceof Mutation.Put put) {
        reservedSegment(put.key()).ifPresent(segment -> {
          throw shadowing(put.key(), segment);
        });
      }
    }
  }

  private Optional<String> reservedSegment(Key key) {
    String first = key.path().namespace();
    boolean reserved = key.scope() instanceof Scope.Plain && (first.equals(root) || first.equals(Key.ROOT));
    return reserved ? Optional.of(first) : Optional.empty();
  }

  private static InvalidInputException shadowing(Key key, String segment) {
    List<String> segments = key.path().segments();
    String rest = String.join("/", segments.subList(1, segments.size()));
    String hint;
    try {
      hint = "; the layered key is written '" + Key.parse(rest) + "'";
    } catch (InvalidInputException notLayered) {
      hint = "";
    }
    return new InvalidInputException("invalid_key", "plain key '" + key.path() + "' is refused: a plain key may not"
        + " start with '" + segment + "/', which names the layered keys in the Consul API and in ACL rules" + hint);
  }
}
