package io.fleetconf.core;

import java.util.Arrays;
import java.util.List;

/**
 * An entry's address: a scope and a path in it, written {@code <scope>/<path>}, e.g.
 * {@code groups/site/lisbon/tv_scheduler/rules}. Its raw form adds the root: {@code fleet/...}.
 */
public record Key(Scope scope, KeyPath path) implements Comparable<Key> {
  public static final String ROOT = "fleet";

  public static Key of(Scope scope, String path) {
    return new Key(scope, KeyPath.parse(path));
  }

  /** Parses the address of an entry; the path must name at least a namespace. */
  public static Key parse(String text) {
    Key key = parsePrefix(text);
    if (key.path().isRoot()) {
      throw new InvalidInputException(
          "invalid_key", "key '" + Names.printable(text) + "' names a scope but no path in it");
    }
    return key;
  }

  /** Parses a scope optionally followed by a path, for subtree operations. */
  public static Key parsePrefix(String text) {
    if (text.isEmpty()) {
      throw new InvalidInputException("invalid_key",
          "no key given; a key starts with a scope: defaults, global, groups/<kind>/<name>, devices/<id> or plain");
    }
    String[] parts = text.split("/", -1);
    String kind = parts[0];
    Scope scope = switch (kind) {
      case "defaults" -> Scope.DEFAULTS;
      case "global" -> Scope.GLOBAL;
      case "plain" -> Scope.PLAIN;
      case "groups" -> {
        require(parts.length >= 3, text, "groups/<kind>/<name>");
        yield Scope.group(parts[1] + "/" + parts[2]);
      }
      case "devices" -> {
        require(parts.length >= 2, text, "devices/<id>");
        yield Scope.device(parts[1]);
      }
      default -> throw new InvalidInputException(
          "invalid_scope",
          "unknown scope '" + Names.printable(kind) + "' in '" + Names.printable(text)
              + "'; expected defaults, global, groups/<kind>/<name>, devices/<id> or plain");
    };
    String rest = String.join("/", Arrays.asList(parts).subList(scope.segmentCount(), parts.length));
    return new Key(scope, scope instanceof Scope.Plain ? KeyPath.parsePlain(rest) : KeyPath.parse(rest));
  }

  private static void require(boolean ok, String text, String shape) {
    if (!ok) {
      throw new InvalidInputException(
          "invalid_scope", "'" + Names.printable(text) + "' must start with " + shape);
    }
  }

  /** True if this key is {@code prefix} or lies below it, in the same scope. */
  public boolean isUnder(Key prefix) {
    return scope.equals(prefix.scope) && path.startsWith(prefix.path);
  }

  /** The Consul-style flat key: {@code fleet/<scope>/<path>}, or for a plain key its path alone. */
  public String raw() {
    return raw(ROOT);
  }

  /** The flat key under {@code root}: {@code <root>/<scope>/<path>}, or for a plain key its path alone. */
  public String raw(String root) {
    return scope instanceof Scope.Plain ? path.toString() : root + "/" + this;
  }

  /**
   * The key (or, with an empty path, the scope or prefix) a flat key names: under {@code root} a
   * layered key, anywhere else a plain one. The inverse of {@link #raw(String)}.
   */
  public static Key fromRaw(String raw, String root) {
    if (raw.equals(root) || raw.startsWith(root + "/")) {
      Key layered = parsePrefix(raw.equals(root) ? "" : raw.substring(root.length() + 1));
      if (layered.scope() instanceof Scope.Plain) {
        // The native scope 'plain' is no scope under the root: fleet/plain/x would be the plain key x.
        throw new InvalidInputException("invalid_scope", "unknown scope 'plain' in '" + Names.printable(raw)
            + "': under '" + root + "/' the scope is defaults, global, groups/<kind>/<name> or devices/<id>;"
            + " a plain key is written without '" + root + "/'");
      }
      return layered;
    }
    return new Key(Scope.PLAIN, KeyPath.parsePlain(raw));
  }

  /** As the keys' texts ({@link #toString}) compare: the order of the store's byte-wise key ranges for ASCII keys. */
  @Override
  public int compareTo(Key other) {
    return SlashJoined.compare(parts(), other.parts());
  }

  /** The parts {@link #toString} joins: the scope's kind, its name if it has one, then the path's segments. */
  private SlashJoined.Parts parts() {
    String kind;
    String name;
    switch (scope) {
      case Scope.Group group -> {
        kind = "groups";
        name = group.group().value();
      }
      case Scope.Device device -> {
        kind = "devices";
        name = device.device().value();
      }
      default -> {
        kind = scope.toString();
        name = null;
      }
    }
    int head = name == null ? 1 : 2;
    List<String> segments = path.segments();
    return new SlashJoined.Parts() {
      @Override
      public int count() {
        return head + segments.size();
      }

      @Override
      public String part(int index) {
        return index == 0 ? kind : index < head ? name : segments.get(index - head);
      }
    };
  }

  @Override
  public String toString() {
    return path.isRoot() ? scope.toString() : scope + "/" + path;
  }
}
