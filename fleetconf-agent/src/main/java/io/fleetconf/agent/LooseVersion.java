package io.fleetconf.agent;

import com.hubspot.jinjava.interpret.InterpretException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Version comparison as Ansible's {@code version} test does it by default (LooseVersion): the
 * parts compared in turn, numbers as numbers, anything else as text.
 */
final class LooseVersion {
  private static final Pattern PART = Pattern.compile("\\d+|[a-z]+|\\.");

  private LooseVersion() {}

  /** Whether {@code a operator b} holds ({@code eq}, {@code lt}, {@code >=} ...). */
  static boolean compare(String a, String b, String operator) {
    int c = compareVersions(a, b);
    return switch (operator) {
      case "eq", "==", "=" -> c == 0;
      case "ne", "!=", "<>" -> c != 0;
      case "lt", "<" -> c < 0;
      case "le", "<=" -> c <= 0;
      case "gt", ">" -> c > 0;
      case "ge", ">=" -> c >= 0;
      default -> throw new InterpretException("Invalid operator type (" + operator + ")");
    };
  }

  private static int compareVersions(String a, String b) {
    List<String> x = parts(a);
    List<String> y = parts(b);
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      String p = x.get(i);
      String q = y.get(i);
      int c = p.matches("\\d+") && q.matches("\\d+") ? new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q)) : p.compareTo(q);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }

  private static List<String> parts(String version) {
    List<String> parts = new ArrayList<>();
    Matcher m = PART.matcher(version);
    while (m.find()) {
      if (!m.group().equals(".")) {
        parts.add(m.group());
      }
    }
    return parts;
  }
}
