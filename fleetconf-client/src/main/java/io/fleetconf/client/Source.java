package io.fleetconf.client;

/** Where the config a client holds came from. */
public enum Source {
  /** Fresh from the server. */
  SERVER,
  /** The last config the server gave, read from the disk cache while the server is away: stale. */
  CACHE,
  /** Local files (a bootstrap file, or followed files) over the code defaults; no server config. */
  FILES,
  /** Only the defaults given in code. */
  DEFAULTS,
  /** A Git repository that fleetconf's agent follows itself, with no server (docs/agent.md). */
  REPOSITORY
}
