package io.fleetconf.agent;

import io.fleetconf.client.Config;

/**
 * The agent's rendering of one output, for deliveries other than files on the device (the
 * Kubernetes sync): the same formats and Jinja templates, byte for byte. {@link Renderer} stays
 * package-private; this is its one public door.
 */
public final class OutputRendering {
  private final Renderer renderer;

  public OutputRendering(String deviceId, AgentConfig.Ansible ansible) {
    this.renderer = new Renderer(deviceId, ansible);
  }

  /** The bytes the agent would write for {@code output}; an {@link AgentException} says why not. */
  public byte[] render(AgentConfig.Output output, Config config) {
    return renderer.render(output, config);
  }

  /** As the agent decides a file's mode: a format output holds its namespace; a template may reach anything. */
  public static boolean holdsSecrets(AgentConfig.Output output, Config config) {
    return config.secretPaths().stream()
        .anyMatch(path -> output.template().isPresent() || path.startsWith(output.namespace() + "/"));
  }
}
