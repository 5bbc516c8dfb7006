package io.fleetconf.client;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations the way config files write them. */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  static Duration parse(String text, String path) {
    String value = text.strip();
    Matcher matcher = SIMPLE.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2) == null ? "ms" : matcher.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> Duration.ofMillis(amount);
      };
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException("'" + path + "' must be a duration such as 500ms, 30s, 5m or PT1H, was '" + text + "'");
    }
  }
}
