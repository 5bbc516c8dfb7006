package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.api.FleetStatusAnswer;
import io.fleetconf.api.Paths;
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
        description = "Only applied, failed, rolled_back, drift, stale, invalid (config breaks a schema), held"
            + " (needs a newer service for some value) or unreported devices.") String status;
    @Option(names = "--stale-after", paramLabel = "DURATION", description = "Unseen this long is stale (default 10m).")
    String staleAfter;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get(Paths.FLEET_STATUS,
          ApiClient.query("group", group, "status", status, "staleAfter", staleAfter));
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        for (FleetStatusAnswer.Row device : FleetStatusAnswer.from(answer).devices()) {
          // The revision the device runs (after a rollback, an earlier one than it tried), lowest of its namespaces.
          long reported = -1;
          for (FleetStatusAnswer.Namespace ns : device.namespaces()) {
            if (ns.reported().runningRevision().isPresent()) {
              long running = ns.reported().runningRevision().get();
              reported = reported < 0 ? running : Math.min(reported, running);
            }
          }
          List<String> errors = new ArrayList<>();
          device.namespaces().forEach(ns -> ns.reported().error()
              .ifPresent(error -> errors.add(ns.reported().namespace() + ": " + error)));
          errors.addAll(device.schemaViolations());
          device.held().forEach(needs -> errors.add("held: needs " + needs));
          rows.add(List.of(device.device().id(), Long.toString(device.desiredRevision()),
              reported < 0 ? "-" : Long.toString(reported), device.status().orElse("-"),
              device.drift() ? "yes" : "no", device.stale() ? "yes" : "no", device.lastSeen().orElse("-"),
              String.join("; ", errors)));
        }
        out.table(List.of("DEVICE", "DESIRED", "REPORTED", "STATUS", "DRIFT", "STALE", "LAST SEEN", "ERROR"), rows);
      });
      return 0;
    }
  }
}
