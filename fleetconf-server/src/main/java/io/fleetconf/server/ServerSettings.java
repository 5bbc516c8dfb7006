package io.fleetconf.server;

import java.nio.file.Path;

/**
 * How to run a server, validated at construction: where to listen and where the data lives.
 *
 * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one
 * @param dataDir directory for the embedded store and the first admin token
 * @param demo seed the example fleet when the store is empty
 * @param watchHistory how many recent change sets raw-key watches can resume across
 */
public record ServerSettings(String host, int port, Path dataDir, boolean demo, int watchHistory) {
  public static final int DEFAULT_PORT = 8585;

  public ServerSettings(String host, int port, Path dataDir, boolean demo) {
    this(host, port, dataDir, demo, Fleet.DEFAULT_WATCH_HISTORY);
  }

  public ServerSettings {
    if (watchHistory < 1) {
      throw new IllegalArgumentException("watchHistory must be at least 1, was " + watchHistory);
    }
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
