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

@Command(name = "config", mixinStandardHelpOptions = true, description = "Effective configuration of a device.",
    subcommands = ConfigCommand.Show.class)
final class ConfigCommand {

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a device's effective config (defaults < global < groups < device).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--device", required = true, paramLabel = "ID") String device;
    @Option(names = "--namespace", paramLabel = "NS", description = "Only this namespace, e.g. common.") String namespace;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
        description = "json, yaml, env or properties (default ${DEFAULT-VALUE}).") String format;
    @Option(names = "--explain", description = "Show where each value comes from.") boolean explain;

    @Override
    public Integer call() {
      String path = "/api/v1/devices/" + ApiClient.segment(device) + "/config"
          + (namespace == null ? "" : "/" + ApiClient.segment(namespace));
      Output out = new Output(spec.commandLine().getOut());
      if (!format.equals("json")) {
        if (explain) {
          throw new CliException("--explain needs --format json");
        }
        spec.commandLine().getOut().print(connection.client().getText(path, ApiClient.query("format", format)));
        spec.commandLine().getOut().flush();
        return 0;
      }
      JsonNode answer = connection.client().get(path, ApiClient.query("explain", explain ? "true" : null));
      if (connection.json) {
        out.json(answer);
      } else if (explain) {
        List<List<String>> rows = new ArrayList<>();
        JsonNode provenance = answer.get("provenance");
        for (String leaf : leaves(answer.get("config"), "", new ArrayList<>())) {
          JsonNode origin = provenance.get(leaf);
          if (origin != null) {
            rows.add(List.of(leaf, Output.value(answer.get("config").at("/" + leaf)), origin.get("scope").asText(),
                origin.get("revision").asText()));
          }
        }
        out.table(List.of("PATH", "VALUE", "FROM", "REV"), rows);
      } else {
        out.json(answer.get("config"));
      }
      return 0;
    }

    /**
     * The leaf paths of the config in its own order, the order every rendering of it (JSON, YAML,
     * .env) has, so that the explanation reads line by line beside them.
     */
    private static List<String> leaves(JsonNode node, String prefix, List<String> into) {
      node.properties().forEach(field -> {
        String path = prefix + field.getKey();
        if (field.getValue().isObject() && !field.getValue().isEmpty()) {
          leaves(field.getValue(), path + "/", into);
        } else {
          into.add(path);
        }
      });
      return into;
    }
  }
}
