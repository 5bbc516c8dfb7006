package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "kv", mixinStandardHelpOptions = true, description = "Read and write raw entries: <scope>/<path>.")
final class KvCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      KvCommand.Put.class, KvCommand.Get.class, KvRemove.class, KvCommand.Ls.class);

  static String path(String key) {
    return "/api/v1/entries/" + ApiClient.keyPath(key);
  }

  /** How {@code kv put} reads VALUE: as the text typed (the default), or as JSON. */
  enum ValueType { STRING, JSON }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Set an entry. VALUE is stored as text, exactly as typed, unless --type json.")
  static class Put implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(index = "0", paramLabel = "KEY", description = "e.g. global/common/log_level") String key;
    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE") String value;
    @Option(names = "--file", paramLabel = "FILE", description = "Read the value from a JSON or YAML file.") Path file;
    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "string", converter = TypeName.class,
        description = "string (default): VALUE as text, so 1.10 stays 1.10; json: parse VALUE as JSON, e.g."
            + " --type json 8081 for a number.") ValueType type;
    @Option(names = "--string", description = "The default (store VALUE as text); kept for scripts that pass it.")
    boolean string;
    @Option(names = "--cas", paramLabel = "REVISION",
        description = "Write only if the entry's modify revision is this (0: only if absent).") Long cas;
    @Option(names = {"-m", "--message"}, description = "Why, for the history.") String message;
    @Option(names = "--secret", description = "Mark the entry secret: encrypted at rest, masked for readers without"
        + " the right to read secrets. It stays secret until deleted.") boolean secret;
    @Option(names = "--replace", negatable = true, description = "--replace: the value replaces what lower scopes hold"
        + " at KEY instead of merging with it, and nulls in it are values (Ansible's semantics); --no-replace: merge"
        + " again. Without either, the entry keeps what it had.") Boolean replace;
    @Option(names = "--stdin", description = "Read the value from standard input, as text unless --type json (keeps"
        + " secrets out of shell history); a final newline is dropped, nothing else.") boolean stdin;
    @Option(names = "--dry-run", description = "Show which devices' config would change and how, and whether the"
        + " schemas accept it; write nothing. Exits 1 if a schema would refuse it.") boolean dryRun;
    @Option(names = "--force-schema", description = "Writing a schema: take it even though some devices' current"
        + " config breaks it (fleet status then shows them as invalid).") boolean forceSchema;
    @Option(names = "--requires", paramLabel = "REQUIREMENT", description = "The value needs this version of a"
        + " service on the device, e.g. 'tv_scheduler >= 2.3': devices whose agent reports less keep what they had"
        + " (fleet status shows them held); none: drop the key's requirement. Without it, a requirement stays.")
    String requires;
    @Option(names = "--rollout", paramLabel = "POLICY", description = "Roll the change out in waves with this policy"
        + " (plain/fleetconf/rollout-policies/POLICY); none: at once, whatever the namespace's policy.") String rollout;

    @Override
    public Integer call() {
      JsonNode body = body();
      JsonNode answer = connection.client().send("PUT", path(key), ApiClient.query("cas", cas == null ? null
          : cas.toString(), "message", message, "secret", secret ? "true" : null,
          "replace", replace == null ? null : replace.toString(), "dry_run", DryRun.flag(dryRun),
          "force_schema", forceSchema ? "true" : null, "rollout", rollout, "requires", requires), body);
      if (dryRun) {
        return DryRun.report(spec, connection, answer);
      }
      if (answer.has("waves")) { // went out as a rollout (named, or the namespace's policy)
        connection.print(spec, answer, out -> RolloutCommand.describe(out, answer));
        return 0;
      }
      connection.print(spec, answer, out -> out.line("revision " + answer.get("revision").asLong() + ": " + key));
      return 0;
    }

    private JsonNode body() {
      if (file != null) {
        return readFile(file);
      }
      if (stdin) {
        return typed(StandardInput.text());
      }
      if (value == null) {
        throw new CliException("give a VALUE or --file");
      }
      return typed(value);
    }

    private JsonNode typed(String text) {
      if (type == ValueType.STRING || string) {
        return TextNode.valueOf(text);
      }
      try {
        return Format.JSON.parse(text);
      } catch (io.fleetconf.format.DocumentException e) {
        throw new CliException("--type json: VALUE is not JSON (" + e.getMessage() + "); leave --type out to store"
            + " it as text");
      }
    }
  }

  /** Reads {@code string} and {@code json} in any case. */
  static final class TypeName implements picocli.CommandLine.ITypeConverter<ValueType> {
    @Override
    public ValueType convert(String name) {
      return switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "string" -> ValueType.STRING;
        case "json" -> ValueType.JSON;
        default -> throw new picocli.CommandLine.TypeConversionException("'" + name + "' is not string or json");
      };
    }
  }

  static JsonNode readFile(Path file) {
    try {
      String text = Files.readString(file);
      String name = file.getFileName().toString().toLowerCase();
      return (name.endsWith(".yaml") || name.endsWith(".yml") ? Format.YAML : Format.JSON).parse(text);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print an entry's value.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "KEY") String key;

    @Override
    public Integer call() {
      JsonNode entry = connection.client().get(path(key), ApiClient.query());
      connection.print(spec, entry, out -> out.line(Output.value(entry.get("value"))));
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List entries at or below a prefix.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "e.g. global or groups/site/lisbon/common")
    String prefix = "";

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get(path(prefix), ApiClient.query("recurse", "true"));
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        answer.get("entries").forEach(entry -> rows.add(List.of(entry.get("key").asText(),
            entry.get("modRevision").asText(), Output.value(entry.get("value")))));
        out.table(List.of("KEY", "REV", "VALUE"), rows);
      });
      return 0;
    }
  }
}
