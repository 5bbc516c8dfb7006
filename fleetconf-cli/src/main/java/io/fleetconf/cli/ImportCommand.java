package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Key;
import io.fleetconf.format.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Moves a per-host file into a scope, one entry per top-level key, as one change set. {@code .env}
 * names are lower-cased ({@code LOG_LEVEL} becomes {@code log_level}) so that rendering the
 * namespace back as {@code .env} gives the same names.
 */
@Command(name = "import", mixinStandardHelpOptions = true, subcommands = AnsibleImportCommand.class,
    description = "Import a .env, YAML or JSON file into <scope>/<namespace>, as one change set.")
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Option(names = "--scope", description = "e.g. global, groups/site/lisbon, devices/vv-lis-01")
  String scope;
  @Option(names = "--namespace", description = "e.g. common or tv_scheduler") String namespace;
  @Option(names = "--format", description = "env, yaml, json or properties; by default from the file name.")
  String format;
  @Option(names = {"-m", "--message"}) String message;
  @Option(names = "--dry-run", description = "Show which devices' config the import would change and how, and"
      + " whether the schemas accept it; write nothing. Exits 1 if a schema would refuse it.") boolean dryRun;
  @Parameters(paramLabel = "FILE", arity = "0..1") Path file;

  @Override
  public Integer call() {
    // Not required in picocli's sense, which would demand them of `import ansible` too.
    List<String> missing = new ArrayList<>();
    if (scope == null) {
      missing.add("'--scope=<scope>'");
    }
    if (namespace == null) {
      missing.add("'--namespace=<namespace>'");
    }
    if (file == null) {
      missing.add("'FILE'");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required options and parameters: " + String.join(", ", missing));
    }
    Format chosen = format != null ? Format.named(format) : guess(file);
    JsonNode document;
    try {
      document = chosen.parseAsTree(Files.readString(file));
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    if (!document.isObject()) {
      throw new CliException(file + " does not hold a map of keys at its top level");
    }
    Key prefix = Key.parse(scope + "/" + namespace);
    ArrayNode operations = ApiClient.JSON.createArrayNode();
    document.properties().forEach(field -> {
      Key key;
      try { // one entry per top-level key, named by it: a '/' in it would make it a member of another key
        key = new Key(prefix.scope(), prefix.path().child(field.getKey()));
      } catch (io.fleetconf.core.InvalidInputException e) {
        throw new CliException(file + ": top-level key '" + field.getKey() + "': " + e.getMessage());
      }
      operations.addObject().put("op", "put").put("key", key.toString()).set("value", field.getValue());
    });
    if (operations.isEmpty()) {
      throw new CliException(file + " holds no keys");
    }
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.put("message", message != null ? message : "import " + file.getFileName() + " into " + prefix);
    body.set("operations", operations);
    JsonNode answer = connection.client().send("POST", "/api/v1/changes",
        ApiClient.query("dry_run", DryRun.flag(dryRun)), body);
    if (dryRun) {
      return DryRun.report(spec, connection, answer);
    }
    connection.print(spec, answer, out -> out.line("revision " + answer.get("revision").asLong() + ": imported " + operations.size() + " key(s) into "
          + prefix));
    return 0;
  }

  private static Format guess(Path file) {
    return Format.ofFileName(file.getFileName().toString()).orElseThrow(() -> new CliException(
        "cannot tell the format of " + file + "; pass --format env|yaml|json|properties"));
  }
}
