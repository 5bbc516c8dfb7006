package io.fleetconf.server;

import java.nio.file.Path;

/**
 * How to run a server, validated at construction: where to listen and where the data lives.
 *
 * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one
 * @param dataDir directory for the embedded store and the first admin token
 * @param demo seed the example fleet when the store is empty
 */
public record ServerSettings(String host, int port, Path dataDir, boolean demo) {
  public static final int DEFAULT_PORT = 8585;

  public ServerSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir is required");
    }
  }
}
