package io.fleetconf.agent;

import io.fleetconf.api.AgentReport;
import io.fleetconf.api.Paths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import io.fleetconf.client.Credentials;

/** Tells the server what the agent applied, per namespace. A failed report is logged, not fatal. */
final class Reporter {
  private static final System.Logger LOG = System.getLogger(Reporter.class.getName());
  static final String VERSION = Optional.ofNullable(Reporter.class.getPackage().getImplementationVersion()).orElse("dev");

  private final HttpClient http;
  private final URI reports;
  private final Credentials credentials;

  Reporter(String server, String deviceId, Credentials credentials) {
    String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    this.reports = URI.create(base + Paths.deviceReports(deviceId));
    this.credentials = credentials;
    this.http = credentials.httpClient(Duration.ofSeconds(5));
  }

  /** The revision a pass tried, and the one whose content the device runs now, if it ever wrote any. */
  record Revisions(long tried, Optional<Long> running) {}

  boolean report(String namespace, Revisions revisions, String hash, String status, Optional<String> error) {
    AgentReport body = new AgentReport(namespace, revisions.tried(), revisions.running(), hash, status, error,
        Optional.of(VERSION));
    try {
      HttpResponse<String> response = http.send(credentials.authorize(HttpRequest.newBuilder(reports))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toJson().toString())).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: the server refused a report (" + response.statusCode() + ")");
        return false;
      }
      return true;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot report to the server yet; will report again");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
