package io.fleetconf.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as config files and query strings write them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 1d}, ISO-8601 ({@code PT30S}), or a bare number in a unit the caller names.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");

  private Durations() {}

  /** The duration {@code text} says, or empty if it is not one; each caller words its own error. */
  public static Optional<Duration> parse(String text, ChronoUnit bareUnit) {
    String value = text.strip();
    Matcher matcher = SIMPLE.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return Optional.of(matcher.group(2) == null ? Duration.of(amount, bareUnit) : switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    try {
      return Optional.of(Duration.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
