package io.fleetconf.format;

import java.util.regex.Pattern;

/**
 * Reads the assignments of a .env file: blank lines and {@code #} comments skipped, an optional
 * {@code export} prefix, and unquoted, single-quoted (literal) or double-quoted values. Quoted
 * values may span lines.
 */
final class EnvReader {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  private final String text;
  private int pos;
  private int line = 1;

  EnvReader(String text) {
    // Windows line ends; a carriage return that matters is written as \r inside double quotes.
    this.text = text.replace("\r\n", "\n");
  }

  /** One {@code NAME=value}, with the line it starts on. */
  interface Assignment {
    void accept(String key, String value, int line);
  }

  void forEachAssignment(Assignment sink) {
    while (pos < text.length()) {
      skipBlanks();
      if (atLineEnd() || peek() == '#') {
        skipRestOfLine();
        continue;
      }
      int assignmentLine = line;
      if (text.startsWith("export", pos) && isBlank(charAt(pos + 6))) {
        pos += 6;
        skipBlanks();
      }
      String key = readKey();
      String value = readValue(assignmentLine);
      sink.accept(key, value, assignmentLine);
    }
  }

  private String readKey() {
    int end = text.indexOf('\n', pos);
    int eq = text.indexOf('=', pos);
    if (eq < 0 || (end >= 0 && eq > end)) {
      throw error(line, "expected KEY=value");
    }
    String key = text.substring(pos, eq).strip();
    if (!KEY.matcher(key).matches()) {
      throw error(line, "invalid key '" + DocumentException.printable(key)
          + "'; a key must match [A-Za-z_][A-Za-z0-9_.]*");
    }
    pos = eq + 1;
    return key;
  }

  private String readValue(int assignmentLine) {
    boolean spaced = skipBlanks();
    if (atLineEnd()) {
      skipRestOfLine();
      return "";
    }
    String value;
    if (peek() == '\'') {
      value = readSingleQuoted(assignmentLine);
    } else if (peek() == '"') {
      value = readDoubleQuoted(assignmentLine);
    } else {
      return readUnquoted(spaced);
    }
    skipBlanks();
    if (!atLineEnd() && peek() != '#') {
      throw error(line, "unexpected text after the closing quote");
    }
    skipRestOfLine();
    return value;
  }

  // "KEY= # note" is empty, "KEY=#1" is "#1", and "KEY=a # note" is "a", as in python-dotenv.
  private String readUnquoted(boolean spaced) {
    int end = text.indexOf('\n', pos);
    String raw = text.substring(pos, end < 0 ? text.length() : end);
    skipRestOfLine();
    if (spaced && raw.startsWith("#")) {
      return "";
    }
    for (int i = 1; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && isBlank(raw.charAt(i - 1))) {
        raw = raw.substring(0, i);
        break;
      }
    }
    return raw.strip();
  }

  private String readSingleQuoted(int assignmentLine) {
    int close = text.indexOf('\'', pos + 1);
    if (close < 0) {
      throw error(assignmentLine, "unterminated single-quoted value");
    }
    String value = text.substring(pos + 1, close);
    line += (int) value.chars().filter(c -> c == '\n').count();
    pos = close + 1;
    return value;
  }

  private String readDoubleQuoted(int assignmentLine) {
    StringBuilder value = new StringBuilder();
    for (int i = pos + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        pos = i + 1;
        return value.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c != '\\' || i + 1 == text.length()) {
        value.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case '\\', '"', '$', '`' -> value.append(next);
        default -> {
          // Like bash: an unknown escape keeps its backslash.
          value.append('\\').append(next);
          if (next == '\n') {
            line++;
          }
        }
      }
    }
    throw error(assignmentLine, "unterminated double-quoted value");
  }

  /** Skips spaces and tabs; tells whether there were any. */
  private boolean skipBlanks() {
    int start = pos;
    while (pos < text.length() && isBlank(text.charAt(pos))) {
      pos++;
    }
    return pos > start;
  }

  private void skipRestOfLine() {
    int end = text.indexOf('\n', pos);
    pos = end < 0 ? text.length() : end + 1;
    line++;
  }

  private boolean atLineEnd() {
    return pos >= text.length() || text.charAt(pos) == '\n';
  }

  private char peek() {
    return text.charAt(pos);
  }

  private char charAt(int index) {
    return index < text.length() ? text.charAt(index) : '\n';
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static DocumentException error(int line, String problem) {
    return new DocumentException("malformed .env at line " + line + ": " + problem);
  }
}
