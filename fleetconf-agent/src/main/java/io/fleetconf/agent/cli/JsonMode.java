package io.fleetconf.agent.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Whether the agent command prints JSON: {@code -o json} or {@code --json}, which the full CLI's
 * root command holds for every verb (its OutputFormat, docs/cli.md) and the lean agent's root
 * holds through this mixin.
 */
public final class JsonMode {
  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
      description = "text (default) or json (with --once: what the pass did, as one JSON line).")
  String output = "text";

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "The same as -o json.")
  boolean json;

  /** Whether the command line {@code spec} belongs to asks for JSON. */
  static boolean of(CommandSpec spec) {
    OptionSpec json = spec.root().findOption("--json");
    OptionSpec output = spec.root().findOption("--output");
    return json != null && Boolean.TRUE.equals(json.getValue())
        || output != null && output.getValue() != null && output.getValue().toString().equalsIgnoreCase("json");
  }
}
