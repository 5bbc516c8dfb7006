package io.fleetconf.agent;

/** What styles a scalar's text allows when libyaml writes it (libyaml's {@code yaml_emitter_analyze_scalar}). */
final class YamlScalar {
  boolean empty;
  boolean multiline;
  boolean flowPlain = true;
  boolean blockPlain = true;
  boolean singleQuoted = true;

  static boolean isBreak(int ch) {
    return ch == '\r' || ch == '\n' || ch == 0x85 || ch == 0x2028 || ch == 0x2029;
  }

  /** libyaml's IS_PRINTABLE: a character it writes as it is (astral ones it escapes). */
  static boolean printable(int ch) {
    return ch == 0x0A || (ch >= 0x20 && ch <= 0x7E) || (ch >= 0xA0 && ch <= 0xD7FF)
        || (ch >= 0xE000 && ch <= 0xFFFD && ch != 0xFEFF);
  }

  private static boolean blankOrEnd(int[] text, int i) {
    return i >= text.length || text[i] == ' ' || text[i] == '\t' || text[i] == 0 || isBreak(text[i]);
  }

  static YamlScalar of(String scalar) {
    YamlScalar a = new YamlScalar();
    int[] text = scalar.codePoints().toArray();
    if (text.length == 0) {
      a.empty = true;
      a.flowPlain = false;
      return a;
    }
    boolean blockIndicators = scalar.startsWith("---") || scalar.startsWith("...");
    boolean flowIndicators = blockIndicators;
    boolean special = false;
    boolean leadingSpace = false;
    boolean leadingBreak = false;
    boolean trailingSpace = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean previousSpace = false;
    boolean previousBreak = false;
    boolean precededByWhitespace = true;
    for (int i = 0; i < text.length; i++) {
      int ch = text[i];
      boolean followedByWhitespace = blankOrEnd(text, i + 1);
      if (i == 0) {
        if ("#,[]{}&*!|>'\"%@`".indexOf(ch) >= 0) {
          flowIndicators = blockIndicators = true;
        }
        if (ch == '?' || ch == ':') {
          flowIndicators = true;
          blockIndicators |= followedByWhitespace;
        }
        if (ch == '-' && followedByWhitespace) {
          flowIndicators = blockIndicators = true;
        }
      } else {
        if (",?[]{}".indexOf(ch) >= 0) {
          flowIndicators = true;
        }
        if (ch == ':') {
          flowIndicators = true;
          blockIndicators |= followedByWhitespace;
        }
        if (ch == '#' && precededByWhitespace) {
          flowIndicators = blockIndicators = true;
        }
      }
      if (!printable(ch) || ch == 0xFEFF) {
        special = true;
      }
      if (isBreak(ch)) {
        a.multiline = true;
      }
      if (ch == ' ') {
        leadingSpace |= i == 0;
        trailingSpace |= i == text.length - 1;
        breakSpace |= previousBreak;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(ch)) {
        leadingBreak |= i == 0;
        trailingBreak |= i == text.length - 1;
        spaceBreak |= previousSpace;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = blankOrEnd(text, i);
    }
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      a.flowPlain = a.blockPlain = false;
    }
    if (breakSpace) {
      a.flowPlain = a.blockPlain = a.singleQuoted = false;
    }
    if (spaceBreak || special) {
      a.flowPlain = a.blockPlain = a.singleQuoted = false;
    }
    if (a.multiline) {
      a.flowPlain = a.blockPlain = false;
    }
    if (flowIndicators) {
      a.flowPlain = false;
    }
    if (blockIndicators) {
      a.blockPlain = false;
    }
    return a;
  }
}
