package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "git", mixinStandardHelpOptions = true, description = "The Git repositories the server follows.")
final class GitCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      GitCommand.Status.class, GitPlanCommand.class);

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Per source: state, the commit applied, and the commits refused with file, line and reason.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get("/api/v1/git/sources", ApiClient.query());
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (JsonNode source : answer.get("sources")) {
          String name = source.get("name").asText();
          rows.add(List.of(name, source.get("state").asText(), shortId(source.get("applied")),
              source.get("url").asText() + "#" + source.get("branch").asText()
                  + (source.get("path").asText().isEmpty() ? "" : ":" + source.get("path").asText())
                  + (source.has("fetchError") ? "  (" + source.get("fetchError").asText() + ")" : "")));
          for (JsonNode refused : source.get("refused")) {
            String where = refused.has("file")
                ? refused.get("file").asText() + (refused.has("line") ? ":" + refused.get("line").asInt() : "") + ": "
                : "";
            refusals.add(name + " " + shortId(refused.get("commit")) + " refused: " + where
                + refused.get("reason").asText());
          }
        }
        out.table(List.of("SOURCE", "STATE", "APPLIED", "REPOSITORY"), rows);
        refusals.forEach(out::line);
      });
      return 0;
    }

    private static String shortId(JsonNode commit) {
      return commit == null ? "-" : commit.asText().substring(0, 12);
    }
  }
}
