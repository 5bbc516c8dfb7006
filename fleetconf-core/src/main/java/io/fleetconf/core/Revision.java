package io.fleetconf.core;

import com.fasterxml.jackson.annotation.JsonValue;

/** A point in the store's single, gapless sequence of committed change sets; 0 is the empty store. */
public record Revision(long value) implements Comparable<Revision> {
  public static final Revision ZERO = new Revision(0);

  public Revision {
    if (value < 0) {
      throw new InvalidInputException("invalid_revision", "revision must not be negative, was " + value);
    }
  }

  public static Revision of(long value) {
    return new Revision(value);
  }

  /** Parses a decimal revision, naming {@code what} in the error. */
  public static Revision parse(String text, String what) {
    try {
      return new Revision(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      throw new InvalidInputException("invalid_revision", what + " must be a revision number, was '"
          + Excerpt.of(text) + "'");
    }
  }

  public Revision next() {
    return new Revision(value + 1);
  }

  public boolean isAfter(Revision other) {
    return value > other.value;
  }

  @Override
  public int compareTo(Revision other) {
    return Long.compare(value, other.value);
  }

  @JsonValue
  @Override
  public long value() {
    return value;
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
