package io.fleetconf.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent config's {@code git} section: a Git repository the agent follows itself, instead of a
 * server (docs/agent.md, "Following a Git repository"): its URL, branch (default main), sub-path,
 * how often to fetch (default 30 s), a file holding {@code USER:TOKEN} for HTTPS, the layout
 * ({@code fleetconf}, the default, or {@code ansible}) and where reports go (default
 * {@code <state_dir>/reports.jsonl}). {@link AgentConfig} validates it.
 */
public record GitFollowing(String url, Optional<String> branch, Optional<String> path, Optional<String> poll,
    Optional<Path> credentialsFile, Optional<String> format, Optional<Path> reportFile) {
  public GitFollowing {
    branch = AgentConfig.optional(branch);
    path = AgentConfig.optional(path);
    poll = AgentConfig.optional(poll);
    credentialsFile = AgentConfig.optional(credentialsFile);
    format = AgentConfig.optional(format);
    reportFile = AgentConfig.optional(reportFile);
  }

  /** How often the repository is fetched (default 30 s). */
  public Duration pollTime() {
    return AgentConfig.duration(poll, Duration.ofSeconds(30), "git.poll");
  }
}
