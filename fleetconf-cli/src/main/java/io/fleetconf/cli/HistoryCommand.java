package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Change sets, newest first; with PREFIX only those that touched it.")
final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "A key or subtree, e.g. global/common.")
  String prefix;
  @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    JsonNode answer = connection.client().get("/api/v1/history",
        ApiClient.query("prefix", prefix, "limit", Integer.toString(limit)));
    connection.print(spec, answer, out -> {
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode changeSet : answer.get("changeSets")) {
        rows.add(List.of(changeSet.get("revision").asText(), changeSet.get("time").asText(),
            changeSet.get("author").asText(), source(changeSet),
            Integer.toString(changeSet.get("changes").size()), changeSet.get("message").asText()));
      }
      out.table(List.of("REV", "TIME", "AUTHOR", "SOURCE", "CHANGES", "MESSAGE"), rows);
    });
    return 0;
  }

  /** The source, and for a Git commit its short id, as {@code git log --oneline} shows it. */
  private static String source(JsonNode changeSet) {
    String source = changeSet.get("source").asText();
    JsonNode commit = changeSet.get("commit");
    return commit == null ? source : source + " " + commit.asText().substring(0, 12);
  }
}
