package io.fleetconf.k8s;

import io.fleetconf.api.AgentReport;
import io.fleetconf.api.Paths;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the fleetconf server what the sync applied, per device and fleetconf namespace, through the
 * client's link (the agent's report call), so that {@code fleet status} shows clusters too. A report
 * that says nothing new is not sent again; one that fails is sent at the next pass.
 */
final class Reports {
  private static final System.Logger LOG = System.getLogger(Reports.class.getName());
  static final String VERSION = "k8s-sync/" + Optional.ofNullable(Reports.class.getPackage().getImplementationVersion())
      .orElse("dev");

  /** One namespace's outcome in a pass: applied with a hash of its objects' hashes, or failed with why. */
  record Result(boolean applied, String hash, Optional<String> error) {
    static Result applied(String hash) {
      return new Result(true, hash, Optional.empty());
    }

    static Result failed(String error) {
      return new Result(false, "", Optional.of(error));
    }

    /** Two objects of one namespace: failed if either failed. */
    Result and(Result other) {
      if (!applied || !other.applied) {
        return new Result(false, "", Optional.of(String.join("; ",
            java.util.stream.Stream.of(error, other.error).flatMap(Optional::stream).toList())));
      }
      return applied(Wanted.hash(Map.of("a", hash, "b", other.hash)));
    }
  }

  private final Map<String, AgentReport> sent = new ConcurrentHashMap<>();
  /** Whether the last report failed to reach the server: a long outage is said once, not at every pass. */
  private volatile boolean unreachable;

  void send(FleetconfClient client, String device, String namespace, long revision, Result result) {
    AgentReport report = new AgentReport(namespace, revision, result.applied() ? Optional.of(revision) : Optional.empty(),
        result.hash(), result.applied() ? "applied" : "failed", result.error(), Optional.of(VERSION));
    String key = device + "\n" + namespace;
    if (report.equals(sent.get(key))) {
      return;
    }
    try {
      ClientPlumbing.Answer answer = ClientPlumbing.get().post(client, Paths.deviceReports(device),
          report.toJson().toString(), Duration.ofSeconds(10));
      unreachable = false;
      if (answer.status() / 100 == 2) {
        sent.put(key, report);
      } else {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-k8s: the server refused a report for " + device + " ("
            + answer.status() + ")");
      }
    } catch (IOException e) {
      LOG.log(unreachable ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
          "fleetconf-k8s: cannot report to the server yet; will report again");
      unreachable = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
