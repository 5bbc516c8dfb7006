package io.fleetconf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.format.Format;
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

@Command(name = "kv", mixinStandardHelpOptions = true, description = "Read and write raw entries: <scope>/<path>.",
    subcommands = {KvCommand.Put.class, KvCommand.Get.class, KvCommand.Rm.class, KvCommand.Ls.class})
final class KvCommand {

  static String path(String key) {
    return "/api/v1/entries/" + key;
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Set an entry. VALUE is JSON if it parses as JSON, else a string.")
  static final class Put implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(index = "0", paramLabel = "KEY", description = "e.g. global/common/log_level") String key;
    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE") String value;
    @Option(names = "--file", paramLabel = "FILE", description = "Read the value from a JSON or YAML file.") Path file;
    @Option(names = "--string", description = "Store VALUE as a string even if it looks like JSON.") boolean string;
    @Option(names = "--cas", paramLabel = "REVISION",
        description = "Write only if the entry's modify revision is this (0: only if absent).") Long cas;
    @Option(names = {"-m", "--message"}, description = "Why, for the history.") String message;
    @Option(names = "--secret", description = "Mark the entry secret: encrypted at rest, masked for readers without"
        + " the right to read secrets. It stays secret until deleted.") boolean secret;
    @Option(names = "--stdin", description = "Read the value, as a string, from standard input (keeps secrets out of"
        + " shell history).") boolean stdin;

    @Override
    public Integer call() {
      JsonNode body = body();
      JsonNode answer = connection.client().send("PUT", path(key), ApiClient.query("cas", cas == null ? null
          : cas.toString(), "message", message, "secret", secret ? "true" : null), body);
      connection.print(spec, answer, out -> out.line("revision " + answer.get("revision").asLong() + ": " + key));
      return 0;
    }

    private JsonNode body() {
      if (file != null) {
        return readFile(file);
      }
      if (stdin) {
        try {
          return TextNode.valueOf(new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
          throw new CliException("cannot read standard input: " + e.getMessage());
        }
      }
      if (value == null) {
        throw new CliException("give a VALUE or --file");
      }
      if (string) {
        return TextNode.valueOf(value);
      }
      try {
        return ApiClient.JSON.readTree(value);
      } catch (JsonProcessingException e) {
        return TextNode.valueOf(value);
      }
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

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete an entry, or a subtree with -r.")
  static final class Rm implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "KEY") String key;
    @Option(names = {"-r", "--recurse"}, description = "Delete everything at or below KEY.") boolean recurse;
    @Option(names = "--cas", paramLabel = "REVISION", description = "Delete only if at this modify revision.") Long cas;
    @Option(names = {"-m", "--message"}) String message;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().send("DELETE", path(key), ApiClient.query(
          "recurse", recurse ? "true" : null, "cas", cas == null ? null : cas.toString(), "message", message), null);
      connection.print(spec, answer, out -> out.line(
          "revision " + answer.get("revision").asLong() + ": deleted " + answer.get("deleted").asInt()));
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
