package io.fleetconf.agent;

/** The agent cannot go on: a bad config, or something it needs is missing. */
public final class AgentException extends RuntimeException {
  public AgentException(String message) {
    super(message);
  }
}
