package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "What changed between two revisions: raw entries, or a device's effective config.")
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(index = "0", paramLabel = "FROM") long from;
  @Parameters(index = "1", paramLabel = "TO") long to;
  @Option(names = "--device", paramLabel = "ID", description = "Compare this device's effective config.") String device;
  @Option(names = "--namespace", paramLabel = "NS", description = "With --device: only this namespace.") String namespace;

  @Override
  public Integer call() {
    JsonNode answer = connection.client().get("/api/v1/diff", ApiClient.query(
        "from", Long.toString(from), "to", Long.toString(to), "device", device, "namespace", namespace));
    connection.print(spec, answer, out -> {
      String field = device == null ? "key" : "path";
      for (JsonNode difference : answer.get("differences")) {
        String name = difference.get(field).asText();
        String line = switch (difference.get("action").asText()) {
          case "create" -> "+ " + name + ": " + Output.value(difference.get("to"));
          case "delete" -> "- " + name + ": " + Output.value(difference.get("from"));
          default -> "~ " + name + ": " + Output.value(difference.get("from")) + " -> " + Output.value(difference.get("to"));
        };
        out.line(line.replace("\n", "\\n"));
      }
    });
    return 0;
  }
}
