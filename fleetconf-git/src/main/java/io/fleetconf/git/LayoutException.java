package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import java.util.OptionalInt;

/** A file of a config repository that fleetconf refuses: which file, the line when known, and why. */
public final class LayoutException extends InvalidInputException {
  private final String file;
  private final OptionalInt line;
  private final String reason;

  public LayoutException(String file, OptionalInt line, String reason) {
    super("invalid_layout", file + (line.isPresent() ? ":" + line.getAsInt() : "") + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public OptionalInt line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
