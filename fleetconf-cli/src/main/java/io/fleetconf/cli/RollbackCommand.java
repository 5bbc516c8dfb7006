package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Undo one change set, as a new change set.")
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(paramLabel = "REVISION") long revision;
  @Option(names = "--force", description = "Roll back even if its keys changed since.") boolean force;
  @Option(names = {"-m", "--message"}) String message;
  @Option(names = "--dry-run", description = "Show which devices' config the rollback would change and how;"
      + " change nothing.") boolean dryRun;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("revision", revision).put("force", force);
    if (message != null) {
      body.put("message", message);
    }
    JsonNode answer = connection.client().send("POST", "/api/v1/rollback",
        ApiClient.query("dry_run", DryRun.flag(dryRun)), body);
    return dryRun ? DryRun.report(spec, connection, answer) : RestoreCommand.report(spec, connection, answer);
  }
}
