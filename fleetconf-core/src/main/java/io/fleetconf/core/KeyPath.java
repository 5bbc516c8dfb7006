package io.fleetconf.core;

import java.util.Arrays;
import java.util.List;

/**
 * A validated slash path inside a scope, e.g. {@code tv_scheduler/rules}; its first segment is the
 * namespace by convention.
 *
 * <p>Segments are letters, digits, {@code _ - .}; {@code .}, {@code ..} and empty segments are refused,
 * as are paths deeper than {@value #MAX_DEPTH} or longer than {@value #MAX_LENGTH} characters.
 */
public record KeyPath(List<String> segments) implements Comparable<KeyPath> {
  public static final int MAX_DEPTH = 32;
  public static final int MAX_LENGTH = 512;
  public static final KeyPath ROOT = new KeyPath(List.of());

  public KeyPath {
    segments = List.copyOf(segments);
  }

  /** Parses a path; the empty string is the root. Leading or trailing slashes are refused. */
  public static KeyPath parse(String text) {
    return parse(text, false);
  }

  /** Parses the path of a plain key, whose segments may also hold {@code , : @ = +}. */
  public static KeyPath parsePlain(String text) {
    return parse(text, true);
  }

  private static KeyPath parse(String text, boolean plain) {
    if (text.isEmpty()) {
      return ROOT;
    }
    String what = "key path '" + Names.printable(text) + "'";
    if (text.length() > MAX_LENGTH) {
      throw new InvalidInputException("invalid_key", "key path is longer than " + MAX_LENGTH + " characters");
    }
    List<String> parts = Arrays.asList(text.split("/", -1));
    if (parts.size() > MAX_DEPTH) {
      throw new InvalidInputException("invalid_key", what + " is deeper than " + MAX_DEPTH + " segments");
    }
    for (String segment : parts) {
      if (plain) {
        Names.checkPlainSegment(segment, what, "invalid_key");
      } else {
        Names.checkSegment(segment, what, "invalid_key");
      }
    }
    return new KeyPath(parts);
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public int depth() {
    return segments.size();
  }

  /** The first segment, the namespace; empty for the root. */
  public String namespace() {
    return segments.isEmpty() ? "" : segments.get(0);
  }

  public KeyPath child(String segment) {
    Names.checkSegment(segment, "key path segment", "invalid_key");
    String[] next = segments.toArray(new String[segments.size() + 1]);
    next[segments.size()] = segment;
    return new KeyPath(Arrays.asList(next));
  }

  /** True if {@code this} equals {@code prefix} or lies below it. */
  public boolean startsWith(KeyPath prefix) {
    return prefix.depth() <= depth() && segments.subList(0, prefix.depth()).equals(prefix.segments);
  }

  /** This path relative to {@code prefix}, which it must start with. */
  public KeyPath relativeTo(KeyPath prefix) {
    if (!startsWith(prefix)) {
      throw new IllegalArgumentException(this + " is not under " + prefix);
    }
    return new KeyPath(segments.subList(prefix.depth(), depth()));
  }

  /** As the paths' texts compare. */
  @Override
  public int compareTo(KeyPath other) {
    return SlashJoined.compare(parts(), other.parts());
  }

  private SlashJoined.Parts parts() {
    return new SlashJoined.Parts() {
      @Override
      public int count() {
        return segments.size();
      }

      @Override
      public String part(int index) {
        return segments.get(index);
      }
    };
  }

  @Override
  public String toString() {
    return String.join("/", segments);
  }
}
