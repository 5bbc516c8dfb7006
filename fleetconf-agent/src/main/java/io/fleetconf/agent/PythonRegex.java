package io.fleetconf.agent;

import java.util.Map;
import java.util.regex.Pattern;

/** Python's regular expressions, as Ansible's regex filters and tests use them, in Java's syntax. */
final class PythonRegex {
  private PythonRegex() {}

  /** A Python regular expression as a Java one: {@code (?P<name>...)}, {@code (?P=name)}. */
  static Pattern compile(String python, Object[] args, Map<String, Object> kwargs, int flagsFrom) {
    String java = python.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
    int flags = 0;
    if (Boolean.TRUE.equals(kwargs.get("ignorecase")) || (args.length > flagsFrom && Boolean.TRUE.equals(args[flagsFrom]))) {
      flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if (Boolean.TRUE.equals(kwargs.get("multiline")) || (args.length > flagsFrom + 1 && Boolean.TRUE.equals(args[flagsFrom + 1]))) {
      flags |= Pattern.MULTILINE;
    }
    return Pattern.compile(java, flags | Pattern.UNICODE_CHARACTER_CLASS);
  }

  /** A Python replacement ({@code \1}, {@code \g<name>}) as a Java one. */
  static String replacement(String python) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < python.length(); i++) {
      char c = python.charAt(i);
      if (c == '$') {
        out.append("\\$");
      } else if (c == '\\' && i + 1 < python.length()) {
        char next = python.charAt(++i);
        if (Character.isDigit(next)) {
          out.append('$').append(next);
        } else if (next == 'g' && i + 1 < python.length() && python.charAt(i + 1) == '<') {
          int end = python.indexOf('>', i);
          String group = python.substring(i + 2, end);
          out.append(group.matches("\\d+") ? "$" + group : "${" + group + "}");
          i = end;
        } else if (next == 'n') {
          out.append('\n');
        } else if (next == 't') {
          out.append('\t');
        } else if (next == '\\') {
          out.append("\\\\");
        } else {
          out.append("\\\\").append(next);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
