package io.fleetconf.agent;

import io.fleetconf.client.Config;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import java.util.Optional;

/** The device's config watched on its servers through the client library; reports go back to them. */
final class ServerFeed implements Feed {
  private final FleetconfClient client;
  private final Reporter reporter;

  ServerFeed(AgentConfig config) {
    this.client = FleetconfClient.builder().servers(config.serverUrls().toArray(String[]::new))
        .deviceId(config.deviceId()).credentials(Identity.credentials(config))
        .cacheDirectory(config.stateDir().resolve("cache"))
        .waitTime(config.pollWaitTime())
        .start();
    this.reporter = new Reporter(client, config.deviceId());
  }

  @Override
  public Config config() {
    return client.config();
  }

  @Override
  public boolean versions(java.util.Map<String, String> versions) {
    return reporter.versions(versions);
  }

  @Override
  public void onChange(Runnable wake) {
    // Every answer, changed or not, wakes a pass: unchanged files cost nothing, and the report
    // confirms to the fleet view that this device is at the new revision.
    ClientPlumbing.get().onServerAnswer(client, answer -> wake.run());
  }

  @Override
  public boolean report(String namespace, Reporter.Revisions revisions, String hash, String status,
      Optional<String> error) {
    return reporter.report(namespace, revisions, hash, status, error);
  }

  @Override
  public void close() {
    client.close();
  }
}
