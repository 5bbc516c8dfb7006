package io.fleetconf.core;

import java.util.Locale;
import java.util.logging.Level;

/**
 * The log levels fleetconf's options and API name, and the java.util.logging levels they set
 * (the JDK's logging is the backend of every {@link System.Logger} in fleetconf).
 */
public enum LogLevel {
  ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE), TRACE(Level.FINEST), OFF(Level.OFF);

  private final Level level;

  LogLevel(Level level) {
    this.level = level;
  }

  public Level jul() {
    return level;
  }

  /** Its name in options and the API: {@code debug}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level named {@code text} ({@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace}, {@code off}). */
  public static LogLevel parse(String text, String what) {
    for (LogLevel candidate : values()) {
      if (candidate.wire().equals(text.toLowerCase(Locale.ROOT))) {
        return candidate;
      }
    }
    throw new InvalidInputException("invalid_parameter", what + " must be error, warn, info, debug, trace or off, was '"
        + Excerpt.of(text) + "'");
  }

  /** The closest level to a java.util.logging one: the most verbose of ours that lets it through. */
  public static LogLevel of(Level jul) {
    LogLevel out = OFF;
    for (LogLevel candidate : values()) {
      if (candidate != OFF && jul.intValue() <= candidate.level.intValue()) {
        out = candidate;
      }
    }
    return out;
  }
}
