package io.fleetconf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A value read from standard input (--stdin): its text as sent, less one final line ending, which echo and heredocs add. */
final class StandardInput {
  private StandardInput() {}

  static String text() {
    try {
      return withoutFinalNewline(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot read standard input: " + e.getMessage());
    }
  }

  /** {@code text} without one final {@code \n} or {@code \r\n}; spaces, tabs and any other line endings kept. */
  static String withoutFinalNewline(String text) {
    return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
