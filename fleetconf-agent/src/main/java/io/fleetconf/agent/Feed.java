package io.fleetconf.agent;

import io.fleetconf.client.Config;
import java.util.Optional;

/**
 * Where the agent's config comes from and where its reports go: a fleetconf server
 * ({@link ServerFeed}), or a Git repository the agent follows itself ({@link RepositoryFeed}).
 */
sealed interface Feed extends AutoCloseable permits ServerFeed, RepositoryFeed {
  /** The device's config as of now. */
  Config config();

  /** Calls {@code wake} whenever the config may have changed, from now on. */
  void onChange(Runnable wake);

  /** Records how one namespace went; false when it must be tried again later. */
  boolean report(String namespace, Reporter.Revisions revisions, String hash, String status, Optional<String> error);

  /**
   * Sends the versions of the services the agent manages; false when it must be tried again later.
   * A repository the agent follows has no requirements to meet, so it takes them as sent.
   */
  default boolean versions(java.util.Map<String, String> versions) {
    return true;
  }

  @Override
  void close();

  /** The feed {@code config} asks for. */
  static Feed of(AgentConfig config) {
    return config.git().isPresent() ? new RepositoryFeed(config) : new ServerFeed(config);
  }
}
