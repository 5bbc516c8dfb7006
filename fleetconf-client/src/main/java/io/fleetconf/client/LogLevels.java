package io.fleetconf.client;

import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Applies a log level from config to java.util.logging, the JDK's default logging back end. */
final class LogLevels {
  private static final System.Logger LOG = System.getLogger(LogLevels.class.getName());

  private LogLevels() {}

  static void apply(String name) {
    Optional<Level> level = level(name);
    if (level.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "ignoring unknown log level '" + name + "'");
      return;
    }
    Logger root = Logger.getLogger("");
    root.setLevel(level.get());
    for (var handler : root.getHandlers()) {
      handler.setLevel(level.get());
    }
  }

  static Optional<Level> level(String name) {
    return Optional.ofNullable(switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "trace", "finest" -> Level.FINEST;
      case "debug", "fine" -> Level.FINE;
      case "info" -> Level.INFO;
      case "warn", "warning" -> Level.WARNING;
      case "error", "severe", "critical" -> Level.SEVERE;
      case "off" -> Level.OFF;
      default -> null;
    });
  }
}
