package io.fleetconf.agent;

import io.fleetconf.api.AgentReport;
import io.fleetconf.api.Paths;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import java.io.IOException;
import java.time.Duration;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the server what the agent applied, per namespace, through the client's link to the
 * servers (so a report fails over as the watch does). A failed report is logged, not fatal.
 */
final class Reporter {
  private static final System.Logger LOG = System.getLogger(Reporter.class.getName());
  static final String VERSION = Optional.ofNullable(Reporter.class.getPackage().getImplementationVersion()).orElse("dev");

  private final FleetconfClient client;
  private final String reports;
  private final String versions;

  Reporter(FleetconfClient client, String deviceId) {
    this.client = client;
    this.reports = Paths.deviceReports(deviceId);
    this.versions = Paths.deviceVersions(deviceId);
  }

  /** The revision a pass tried, and the one whose content the device runs now, if it ever wrote any. */
  record Revisions(long tried, Optional<Long> running) {}

  boolean report(String namespace, Revisions revisions, String hash, String status, Optional<String> error) {
    AgentReport body = new AgentReport(namespace, revisions.tried(), revisions.running(), hash, status, error,
        Optional.of(VERSION));
    return post(reports, body.toJson().toString(), "a report");
  }

  /** Sends the versions of the services the agent manages, as {@code {"tv_scheduler": "2.3.1"}}. */
  boolean versions(Map<String, String> services) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    services.forEach(body::put);
    return post(versions, body.toString(), "the services' versions");
  }

  private boolean post(String path, String body, String what) {
    try {
      ClientPlumbing.Answer answer = ClientPlumbing.get().post(client, path, body, Duration.ofSeconds(10));
      if (answer.status() / 100 != 2) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: the server refused " + what + " (" + answer.status() + ")");
        return false;
      }
      return true;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot send " + what + " to the server yet; will again");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
