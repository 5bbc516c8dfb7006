package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fleet", mixinStandardHelpOptions = true, description = "What the fleet runs.",
    subcommands = FleetCommand.Status.class)
final class FleetCommand {

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Per device: desired revision vs the one it runs, status, drift, last seen (UTC).")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--group", paramLabel = "GROUP", description = "Only members of this group.") String group;
    @Option(names = "--status", paramLabel = "STATUS",
        description = "Only applied, failed, rolled_back, drift, stale or unreported devices.") String status;
    @Option(names = "--stale-after", paramLabel = "DURATION", description = "Unseen this long is stale (default 10m).")
    String staleAfter;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get("/api/v1/fleet/status",
          ApiClient.query("group", group, "status", status, "staleAfter", staleAfter));
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode device : answer.get("devices")) {
          // The revision the device runs (after a rollback, an earlier one than it tried), lowest of its namespaces.
          long reported = -1;
          for (JsonNode ns : device.get("namespaces")) {
            JsonNode running = ns.path("runningRevision");
            if (running.canConvertToLong()) {
              reported = reported < 0 ? running.asLong() : Math.min(reported, running.asLong());
            }
          }
          List<String> errors = new ArrayList<>();
          device.get("namespaces").forEach(ns -> {
            if (!ns.get("error").isNull()) {
              errors.add(ns.get("namespace").asText() + ": " + ns.get("error").asText());
            }
          });
          rows.add(List.of(device.get("id").asText(), device.get("desiredRevision").asText(),
              reported < 0 ? "-" : Long.toString(reported),
              device.get("status").isNull() ? "-" : device.get("status").asText(),
              device.get("drift").asBoolean() ? "yes" : "no", device.get("stale").asBoolean() ? "yes" : "no",
              device.get("lastSeen").isNull() ? "-" : device.get("lastSeen").asText(), String.join("; ", errors)));
        }
        out.table(List.of("DEVICE", "DESIRED", "REPORTED", "STATUS", "DRIFT", "STALE", "LAST SEEN", "ERROR"), rows);
      });
      return 0;
    }
  }
}
