package io.fleetconf.format;

import io.fleetconf.core.InvalidInputException;

/** A document that cannot be parsed, or a tree that cannot be rendered, in a {@link Format}. */
public final class DocumentException extends InvalidInputException {
  public DocumentException(String message) {
    super("invalid_document", message);
  }

  /** Makes control characters visible, so that a message quoting input stays on one line. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
