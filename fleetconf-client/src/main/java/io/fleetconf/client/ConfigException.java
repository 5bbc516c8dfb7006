package io.fleetconf.client;

/** A value could not be read as the type asked for, or the client was misconfigured. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
