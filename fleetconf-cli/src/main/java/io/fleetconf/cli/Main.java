package io.fleetconf.cli;

import io.fleetconf.core.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetconf} command. */
@Command(name = "fleetconf", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Centralized, dynamic configuration for a fleet of edge devices.",
    subcommands = {
        ServerCommand.class, KvCommand.class, ConfigCommand.class, HistoryCommand.class, DiffCommand.class,
        RollbackCommand.class, RestoreCommand.class, DeviceCommand.class, ImportCommand.class,
        AgentCommand.class, FleetCommand.class, TokenCommand.class, CertCommand.class, CaCommand.class,
        SecretsCommand.class, BackupCommand.class, MigrateCommand.class, AdminTokenCommand.class,
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
      if (e instanceof CliException || e instanceof InvalidInputException) {
        err.println("fleetconf: " + e.getMessage());
      } else {
        err.println("fleetconf: unexpected error: " + e);
      }
      err.flush();
      return 1;
    });
    return commandLine;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fleetconf " + (version == null ? "dev" : version)};
    }
  }
}
