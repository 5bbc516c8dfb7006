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
      String path = "/api/v1/devices/" + device + "/config" + (namespace == null ? "" : "/" + namespace);
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
        answer.get("provenance").properties().forEach(leaf -> rows.add(List.of(leaf.getKey(),
            Output.value(answer.get("config").at("/" + leaf.getKey())),
            leaf.getValue().get("scope").asText(), leaf.getValue().get("revision").asText())));
        out.table(List.of("PATH", "VALUE", "FROM", "REV"), rows);
      } else {
        out.json(answer.get("config"));
      }
      return 0;
    }
  }
}
