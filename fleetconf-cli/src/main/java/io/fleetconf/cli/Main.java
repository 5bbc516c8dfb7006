package io.fleetconf.cli;

import io.fleetconf.agent.cli.AgentCommand;
import io.fleetconf.core.InvalidInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetconf} command. */
@Command(name = "fleetconf", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Centralized, dynamic configuration for a fleet of edge devices.",
    subcommands = {
        ServerCommand.class, KvCommand.class, ConfigCommand.class, HistoryCommand.class, DiffCommand.class,
        RollbackCommand.class, RestoreCommand.class, DeviceCommand.class, ImportCommand.class, ExportCommand.class,
        AgentCommand.class, FleetCommand.class, TokenCommand.class, CertCommand.class, CaCommand.class,
        SecretsCommand.class, GitCommand.class, BackupCommand.class, MigrateCommand.class, AdminTokenCommand.class,
        K8sCommand.class, LogLevelCommand.class, CompletionCommand.class, RolloutCommand.class, SealCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with fleetconf's error handling: one line on stderr, exit status 1. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      CliException failure = switch (e) {
        case CliException cli -> cli;
        case InvalidInputException invalid -> new CliException(invalid.code(), invalid.getMessage(), OptionalInt.empty());
        default -> new CliException("unexpected", "unexpected error: " + e, OptionalInt.empty());
      };
      boolean json = cmd.getParseResult() != null && cmd.getParseResult().hasMatchedOption("--json");
      err.println(json ? jsonError(failure) : "fleetconf: " + failure.line());
      err.flush();
      return 1;
    });
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((e, args) -> {
      if (!java.util.List.of(args).contains("--json")) {
        return usage.handleParseException(e, args);
      }
      e.getCommandLine().getErr().println(jsonError(new CliException("usage", e.getMessage(), OptionalInt.empty())));
      e.getCommandLine().getErr().flush();
      return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    return commandLine;
  }

  /** An error under {@code --json}: {@code {"error", "message"}} as the server has it, plus the status it answered. */
  private static String jsonError(CliException failure) {
    ObjectNode error = new io.fleetconf.api.ErrorBody(failure.code(), failure.getMessage()).toJson();
    failure.status().ifPresent(status -> error.put("status", status));
    return error.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fleetconf " + (version == null ? "dev" : version)};
    }
  }
}
