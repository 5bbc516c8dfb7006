package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.api.Paths;
import io.fleetconf.k8s.Manifests;
import io.fleetconf.k8s.SyncException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        description = {"json, yaml, env or properties (default ${DEFAULT-VALUE}); or, with --namespace,",
            "configmap or secret: a manifest for kubectl apply -f - (docs/kubernetes.md)."}) String format;
    @Option(names = "--explain", description = "Show where each value comes from.") boolean explain;

    @Override
    public Integer call() {
      String path = namespace == null ? Paths.deviceConfig(device) : Paths.deviceConfig(device, namespace);
      Output out = new Output(spec.commandLine().getOut());
      if (!format.equals("json")) {
        OutputFormat.refuseJson(spec, "--format " + format + " prints text, not JSON: leave out -o json or --format");
      }
      if (format.equals("configmap") || format.equals("secret")) {
        spec.commandLine().getOut().print(manifest());
        spec.commandLine().getOut().flush();
        return 0;
      }
      if (!format.equals("json")) {
        if (explain) {
          throw new CliException("--explain needs --format json");
        }
        spec.commandLine().getOut().print(connection.client().getText(path, ApiClient.query("format", format)));
        spec.commandLine().getOut().flush();
        return 0;
      }
      JsonNode answer = connection.client().get(path, ApiClient.query("explain", explain ? "true" : null));
      if (OutputFormat.of(spec).isJson()) {
        out.json(answer);
      } else if (explain) {
        List<List<String>> rows = new ArrayList<>();
        ConfigAnswer config = ConfigAnswer.from(answer);
        Map<String, ConfigAnswer.Origin> provenance = config.provenance().orElse(Map.of());
        for (String leaf : leaves(config.config(), "", new ArrayList<>())) {
          ConfigAnswer.Origin origin = provenance.get(leaf);
          if (origin != null) {
            rows.add(List.of(leaf, Output.value(config.config().at("/" + leaf)), origin.scope(),
                Long.toString(origin.revision())));
          }
        }
        out.table(List.of("PATH", "VALUE", "FROM", "REV"), rows);
      } else {
        out.json(ConfigAnswer.from(answer).config());
      }
      return 0;
    }

    /** The ConfigMap or Secret the Kubernetes sync would make of the namespace. */
    private String manifest() {
      if (namespace == null || explain) {
        throw new CliException("--format " + format + " needs --namespace (and no --explain)");
      }
      ConfigAnswer answer = ConfigAnswer.from(connection.client().get(Paths.deviceConfig(device), Map.of()));
      try {
        return Manifests.of(format.equals("secret") ? Manifests.Kind.SECRET : Manifests.Kind.CONFIG_MAP, device,
            namespace, answer.config(), answer.secrets(), answer.revision());
      } catch (SyncException e) {
        throw new CliException(e.getMessage());
      }
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
