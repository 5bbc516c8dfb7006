package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What changed at a watched path: its value before and after (absent where there was none), and
 * the whole config before and after the change.
 */
public final class ConfigChange {
  private final String path;
  private final Optional<JsonNode> before;
  private final Optional<JsonNode> after;
  private final Config previous;
  private final Config current;

  ConfigChange(String path, Optional<JsonNode> before, Optional<JsonNode> after, Config previous, Config current) {
    this.path = path;
    this.before = before;
    this.after = after;
    this.previous = previous;
    this.current = current;
  }

  /** The watched path. */
  public String path() {
    return path;
  }

  public Optional<JsonNode> before() {
    return before;
  }

  public Optional<JsonNode> after() {
    return after;
  }

  /** The whole config before the change. */
  public Config previous() {
    return previous;
  }

  /** The whole config after the change. */
  public Config current() {
    return current;
  }

  @Override
  public String toString() {
    return "ConfigChange[path=" + path + ", before=" + before + ", after=" + after + ", revision=" + current.revision()
        + "]";
  }
}
