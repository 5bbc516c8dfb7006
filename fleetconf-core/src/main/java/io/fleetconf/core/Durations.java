package io.fleetconf.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as config files and query strings write them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 1d}, Go's compound form ({@code 1m30s}, as Consul clients send {@code wait}),
 * ISO-8601 ({@code PT30S}), or a bare number in a unit the caller names.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");
  private static final Pattern COMPOUND = Pattern.compile("(?:\\d{1,12}(?:ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  private Durations() {}

  /** The duration {@code text} says, or empty if it is not one; each caller words its own error. */
  public static Optional<Duration> parse(String text, ChronoUnit bareUnit) {
    String value = text.strip();
    Matcher matcher = SIMPLE.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return Optional.of(matcher.group(2) == null ? Duration.of(amount, bareUnit) : unit(amount, matcher.group(2)));
    }
    if (COMPOUND.matcher(value).matches()) {
      Duration total = Duration.ZERO;
      for (Matcher part = PART.matcher(value); part.find(); ) {
        total = total.plus(unit(Long.parseLong(part.group(1)), part.group(2)));
      }
      return Optional.of(total);
    }
    try {
      return Optional.of(Duration.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration unit(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
