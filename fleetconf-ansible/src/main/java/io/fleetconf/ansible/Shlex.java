package io.fleetconf.ansible;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code shlex.split(line, comments=True)} (POSIX mode), as Ansible's INI plugin splits host lines. */
final class Shlex {
  private Shlex() {}

  static List<String> split(String line, String where) {
    List<String> tokens = new ArrayList<>();
    StringBuilder token = null;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (token != null) {
          tokens.add(token.toString());
          token = null;
        }
        i++;
      } else if (c == '#' && token == null) {
        break;
      } else if (c == '\'' || c == '"') {
        token = token == null ? new StringBuilder() : token;
        int end = i + 1;
        while (true) {
          if (end >= line.length()) {
            throw new AnsibleException(where + ": no closing quotation in: " + line);
          }
          char d = line.charAt(end);
          if (d == c) {
            break;
          }
          if (c == '"' && d == '\\' && end + 1 < line.length() && "\\\"$`\n".indexOf(line.charAt(end + 1)) >= 0) {
            end++;
            d = line.charAt(end);
          }
          token.append(d);
          end++;
        }
        i = end + 1;
      } else if (c == '\\' && i + 1 < line.length()) {
        token = token == null ? new StringBuilder() : token;
        token.append(line.charAt(i + 1));
        i += 2;
      } else {
        token = token == null ? new StringBuilder() : token;
        token.append(c);
        i++;
      }
    }
    if (token != null) {
      tokens.add(token.toString());
    }
    return tokens;
  }
}
