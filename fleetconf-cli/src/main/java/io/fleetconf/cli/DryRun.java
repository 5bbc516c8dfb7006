package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints the server's answer to a write sent with {@code dry_run=true}: what would change, on
 * which devices, and whether the schemas accept it. Exits 0 when the write would be accepted and
 * 1 when a schema would refuse it, so a script can gate on it.
 */
final class DryRun {
  private DryRun() {}

  /** The value of the {@code dry_run} query parameter: {@code true}, or absent. */
  static String flag(boolean dryRun) {
    return dryRun ? "true" : null;
  }

  static int report(CommandSpec spec, Connection connection, JsonNode answer) {
    boolean valid = answer.at("/schema/valid").asBoolean(true);
    connection.print(spec, answer, out -> {
      int changes = answer.at("/changeSet/changes").size();
      out.line("dry run: " + changes + " change(s), " + answer.get("devices").asInt() + " device(s) would change;"
          + " nothing written");
      out.line(valid ? "schema: ok" : "schema: refused: " + answer.at("/schema/message").asText());
      if (answer.path("rollout").isTextual()) {
        out.line("rollout: would go out in waves, policy '" + answer.get("rollout").asText() + "'");
      }
      for (JsonNode group : answer.get("impact")) {
        List<String> devices = new java.util.ArrayList<>();
        group.get("devices").forEach(d -> devices.add(d.asText()));
        out.line(group.get("kind").asText() + ": " + String.join(", ", devices));
        for (JsonNode difference : group.get("differences")) {
          out.line("  " + line(difference));
        }
      }
    });
    return valid ? 0 : 1;
  }

  static String line(JsonNode difference) {
    String path = difference.get("path").asText();
    return switch (difference.get("action").asText()) {
      case "create" -> "+ " + path + " = " + Output.value(difference.get("to"));
      case "delete" -> "- " + path + " (was " + Output.value(difference.get("from")) + ")";
      default -> "~ " + path + ": " + Output.value(difference.get("from")) + " -> " + Output.value(difference.get("to"));
    };
  }
}
