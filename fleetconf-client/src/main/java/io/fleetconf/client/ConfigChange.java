package io.fleetconf.client;

import java.util.Optional;

/**
 * What changed at a watched path: its value before and after (absent where there was none), and
 * the whole config before and after the change.
 */
public final class ConfigChange {
  private final String path;
  private final Optional<ConfigValue> before;
  private final Optional<ConfigValue> after;
  private final Config previous;
  private final Config current;

  ConfigChange(String path, Optional<ConfigValue> before, Optional<ConfigValue> after, Config previous, Config current) {
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

  public Optional<ConfigValue> before() {
    return before;
  }

  public Optional<ConfigValue> after() {
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
