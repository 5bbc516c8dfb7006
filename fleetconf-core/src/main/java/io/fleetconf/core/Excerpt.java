package io.fleetconf.core;

/**
 * A piece of user input fit to quote in an error message: at most {@value #MAX_CODE_POINTS}
 * characters of it (then an ellipsis), with control characters shown as a backslash-u escape, so that an
 * error stays small and on one line however large the input.
 */
public final class Excerpt {
  /** How much of the input an error quotes. */
  public static final int MAX_CODE_POINTS = 64;
  public static final String ELLIPSIS = "\u2026";

  private Excerpt() {}

  public static String of(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CODE_POINTS + 1));
    int[] taken = {0};
    text.codePoints().limit(MAX_CODE_POINTS).forEach(c -> {
      taken[0] += Character.charCount(c);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return taken[0] < text.length() ? out.append(ELLIPSIS).toString() : out.toString();
  }
}
