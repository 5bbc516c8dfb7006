package io.fleetconf.ansible;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A host entry of an inventory: a name with optional {@code [01:10]} / {@code [a:f]} ranges and {@code :port}. */
record HostPattern(List<String> hosts, Optional<Integer> port) {
  private static final Pattern RANGE = Pattern.compile("\\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\\]");
  private static final Pattern PORT = Pattern.compile("^([^:\\[\\]]+|.*\\])(?::([0-9]+))$");

  static HostPattern parse(String pattern, Path where) {
    Optional<Integer> port = Optional.empty();
    Matcher withPort = PORT.matcher(pattern);
    if (withPort.matches() && pattern.indexOf(':') == pattern.lastIndexOf(':') || withPort.matches() && pattern.contains("]:")) {
      port = Optional.of(Integer.parseInt(withPort.group(2)));
      pattern = withPort.group(1);
    }
    return new HostPattern(expand(pattern, where), port);
  }

  private static List<String> expand(String pattern, Path where) {
    Matcher range = RANGE.matcher(pattern);
    if (!range.find()) {
      return List.of(pattern);
    }
    String head = pattern.substring(0, range.start());
    String tail = pattern.substring(range.end());
    String from = range.group(1);
    String to = range.group(2);
    int stride = range.group(3) == null ? 1 : Integer.parseInt(range.group(3));
    List<String> names = new ArrayList<>();
    if (from.matches("[0-9]+") && to.matches("[0-9]+")) {
      int width = from.length();
      for (long n = Long.parseLong(from); n <= Long.parseLong(to); n += stride) {
        String number = String.format("%0" + width + "d", n);
        expand(head + number + tail, where).forEach(names::add);
      }
    } else if (from.length() == 1 && to.length() == 1) {
      for (char c = from.charAt(0); c <= to.charAt(0); c += (char) stride) {
        expand(head + c + tail, where).forEach(names::add);
      }
    } else {
      throw new AnsibleException(where + ": invalid host range in " + pattern);
    }
    return names;
  }
}
