package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "log-level", mixinStandardHelpOptions = true, description = {
    "Show or change the running server's log level (admin only): error, warn, info, debug, trace or off.",
    "--logger io.fleetconf.access turns the access log on (info) or off."})
final class LogLevelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(index = "0", arity = "0..1", paramLabel = "LEVEL", description = "The new level; none: show it.")
  String level;
  @Option(names = "--logger", paramLabel = "NAME", defaultValue = "io.fleetconf",
      description = "Which logger: io.fleetconf (default, all of fleetconf), a package or class, io.fleetconf.access.")
  String logger;

  @Override
  public Integer call() {
    JsonNode answer;
    if (level == null) {
      answer = connection.client().get("/api/v1/logging", ApiClient.query("logger", logger));
    } else {
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("logger", logger).put("level", level);
      answer = connection.client().send("PUT", "/api/v1/logging", ApiClient.query(), body);
    }
    connection.print(spec, answer, out -> out.line(answer.get("logger").asText() + " " + answer.get("level").asText()));
    return 0;
  }
}
