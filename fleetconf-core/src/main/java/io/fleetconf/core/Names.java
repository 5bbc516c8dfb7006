package io.fleetconf.core;

import java.util.regex.Pattern;

/** The one rule for a name segment, shared by key paths, group names and device ids. */
final class Names {
  static final int MAX_SEGMENT_LENGTH = 128;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9_.,:@=+\\-]+");

  private Names() {}

  /** Checks one segment; {@code what} names the thing in the error (e.g. "key path 'a/b'"). */
  static void checkSegment(String segment, String what, String code) {
    checkSegment(segment, () -> what, code);
  }

  /** As {@link #checkSegment(String, String, String)}, naming the input only when it is refused. */
  static void checkSegment(String segment, java.util.function.Supplier<String> what, String code) {
    checkSegment(segment, what, code, SEGMENT, "letters, digits, '_', '-' and '.'");
  }

  /**
   * A segment of a plain key may also hold {@code , : @ = +}: Consul tools name keys so, e.g.
   * Spring's profile folders {@code config/application,prod/data}.
   */
  static void checkPlainSegment(String segment, String what, String code) {
    checkSegment(segment, () -> what, code, PLAIN_SEGMENT, "letters, digits and '_ - . , : @ = +'");
  }

  private static void checkSegment(String segment, java.util.function.Supplier<String> what, String code,
      java.util.regex.Pattern allowed, String allowedText) {
    if (segment.isEmpty()) {
      throw new InvalidInputException(code, what.get() + " has an empty segment");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw new InvalidInputException(code, what.get() + " must not contain '" + segment + "' segments");
    }
    if (segment.length() > MAX_SEGMENT_LENGTH) {
      throw new InvalidInputException(
          code, what.get() + " has a segment longer than " + MAX_SEGMENT_LENGTH + " characters");
    }
    if (!allowed.matcher(segment).matches()) {
      throw new InvalidInputException(code, what.get() + " has an illegal character in segment '" + printable(segment)
          + "'; allowed are " + allowedText);
    }
  }

  /** Makes control characters visible and cuts long input short (see {@link Excerpt}) for an error message. */
  static String printable(String text) {
    return Excerpt.of(text);
  }
}
