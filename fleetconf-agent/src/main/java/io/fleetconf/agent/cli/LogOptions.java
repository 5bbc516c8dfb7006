package io.fleetconf.agent.cli;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/**
 * How the long-running commands (server, agent) log: one line per event on standard error, with
 * ISO-8601 UTC times, as text or JSON, at a level that the server can also change while it runs
 * (docs/operations.md, "Logs").
 */
public final class LogOptions {
  /** fleetconf's own loggers; held here so that the levels set on them stay (the JDK keeps loggers weakly). */
  private static final Logger FLEETCONF = Logger.getLogger("io.fleetconf");
  private static final Logger ACCESS = Logger.getLogger("io.fleetconf.access");

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default): one line per event, ISO-8601 UTC time first; json: one JSON object per line.")
  String format;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "error, warn, info (default), debug or trace, for fleetconf's own messages.")
  String level;

  /** Replaces the JDK's default two-line console output with ours, at the chosen level. */
  public void install() {
    install(false);
  }

  /** As {@link #install()}; with {@code accessLog}, a line per HTTP request too (logger {@code io.fleetconf.access}). */
  public void install(boolean accessLog) {
    java.util.logging.Formatter formatter = switch (format) {
      case "text" -> new LogLines.Text();
      case "json" -> new LogLines.Json();
      default -> throw new InvalidInputException("cli", "--log-format must be text or json, was '" + format + "'");
    };
    LogLevel chosen;
    try {
      chosen = LogLevel.parse(level, "--log-level");
    } catch (InvalidInputException e) {
      throw new InvalidInputException("cli", e.getMessage());
    }
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Handler console = new ConsoleHandler();
    console.setFormatter(formatter);
    console.setLevel(Level.ALL); // the loggers decide
    try {
      console.setEncoding(StandardCharsets.UTF_8.name());
    } catch (java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
    root.addHandler(console);
    root.setLevel(Level.INFO); // libraries (Netty, JGit...) stay at info
    FLEETCONF.setLevel(chosen.jul());
    ACCESS.setLevel(accessLog ? Level.INFO : Level.OFF);
  }
}
