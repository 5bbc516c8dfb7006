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

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Put a key or subtree back as it was at a revision, as a new change set.")
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(paramLabel = "PREFIX", description = "e.g. global/tv_scheduler") String prefix;
  @Option(names = "--to", required = true, paramLabel = "REVISION") long revision;
  @Option(names = {"-m", "--message"}) String message;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("prefix", prefix).put("revision", revision);
    if (message != null) {
      body.put("message", message);
    }
    return report(spec, connection, connection.client().send("POST", "/api/v1/restore", ApiClient.query(), body));
  }

  static int report(CommandSpec spec, Connection connection, JsonNode answer) {
    long revision = answer.get("revision").asLong();
    int changes = answer.get("changes").asInt();
    connection.print(spec, answer, out -> out.line(changes == 0
        ? "nothing to change; still at revision " + revision
        : "revision " + revision + ": " + changes + " change(s)"));
    return 0;
  }
}
