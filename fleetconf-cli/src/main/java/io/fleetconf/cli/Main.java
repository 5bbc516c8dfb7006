package io.fleetconf.cli;

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

  /** The output mode every verb inherits ({@code -o/--output}, {@code --json}). */
  @CommandLine.Mixin(name = "output") OutputFormat output;

  /** The command line with fleetconf's output modes and error handling (OutputFormat; docs/cli.md). */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    OutputFormat.install(commandLine);
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
