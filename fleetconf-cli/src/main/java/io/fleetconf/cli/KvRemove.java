package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Console;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kv rm}: one entry, or with {@code -r} a subtree, which it first lists and asks about on a
 * terminal; without one it wants {@code --yes}, so that a script never deletes a subtree by accident.
 */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete an entry, or a subtree with -r"
    + " (listed first, and asked about on a terminal).")
final class KvRemove implements Callable<Integer> {
  /** How many keys a confirmation names before it only counts the rest. */
  static final int SHOWN = 10;

  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(paramLabel = "KEY") String key;
  @Option(names = {"-r", "--recurse"}, description = "Delete everything at or below KEY.") boolean recurse;
  @Option(names = {"-y", "--yes"}, description = "With -r: delete without asking.") boolean yes;
  @Option(names = "--dry-run", description = "Delete nothing: show which devices' config would change and how (with"
      + " -r: list the keys that would be deleted).")
  boolean dryRun;
  @Option(names = "--cas", paramLabel = "REVISION", description = "Delete only if at this modify revision.") Long cas;
  @Option(names = {"-m", "--message"}) String message;

  @Override
  public Integer call() {
    if (!recurse && yes) {
      throw new CliException("--yes goes with -r");
    }
    if (recurse) {
      List<String> keys = keys();
      if (dryRun) {
        ObjectNode listing = ApiClient.JSON.createObjectNode();
        keys.forEach(listing.putArray("wouldDelete")::add);
        connection.print(spec, listing, out -> {
          out.line(keys.size() + " key(s) at or below " + key + " would be deleted (dry run, nothing deleted)");
          keys.forEach(k -> out.line("  " + k));
        });
        return 0;
      }
      if (!yes && !keys.isEmpty() && !confirmed(keys)) {
        return 1;
      }
    }
    JsonNode answer = connection.client().send("DELETE", KvCommand.path(key), ApiClient.query(
        "recurse", recurse ? "true" : null, "cas", cas == null ? null : cas.toString(), "message", message,
        "dry_run", DryRun.flag(dryRun)), null);
    if (dryRun) {
      return DryRun.report(spec, connection, answer);
    }
    connection.print(spec, answer, out -> out.line(
        "revision " + answer.get("revision").asLong() + ": deleted " + answer.get("deleted").asInt()));
    return 0;
  }

  private List<String> keys() {
    JsonNode listing = connection.client().get(KvCommand.path(key), ApiClient.query("recurse", "true"));
    List<String> keys = new ArrayList<>();
    listing.get("entries").forEach(entry -> keys.add(entry.get("key").asText()));
    return keys;
  }

  /** Shows what would go and asks; refuses without a terminal to ask on. */
  private boolean confirmed(List<String> keys) {
    String what = keys.size() + " key(s) at or below " + key;
    Console console = terminal();
    if (console == null) {
      throw new CliException("kv rm -r would delete " + what + "; standard input is not a terminal to ask on:"
          + " add --yes to delete them, or --dry-run to list them");
    }
    Output out = new Output(spec.commandLine().getOut());
    out.line("this deletes " + what + ":");
    keys.stream().limit(SHOWN).forEach(k -> out.line("  " + k));
    if (keys.size() > SHOWN) {
      out.line("  ... and " + (keys.size() - SHOWN) + " more");
    }
    String answer = console.readLine("delete them? [y/N] ");
    if (answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT))) {
      return true;
    }
    spec.commandLine().getErr().println("fleetconf: nothing deleted");
    spec.commandLine().getErr().flush();
    return false;
  }

  /**
   * The terminal, or null when standard input or output is not one. Java 22 to 24 can hand out a
   * console that is no terminal, hence the check of {@code isTerminal} where it exists.
   */
  private static Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
    } catch (ReflectiveOperationException olderThan22) {
      return console;
    }
  }
}
