package io.fleetconf.cli;

import io.fleetconf.core.InvalidInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetconf} command. */
// The verbs are not listed here: picocli would reflect on every one at start (see VERBS).
@Command(name = "fleetconf", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Centralized, dynamic configuration for a fleet of edge devices.")
public final class Main {

  /**
   * Every verb, in the order help lists them. Each is registered only when needed, because picocli
   * reflects on a command class when it is added, loading the classes its fields name: a client
   * verb such as {@code kv get} would otherwise load the server, its store and Netty at start.
   */
  static final List<String> VERBS = List.of("server", "kv", "config", "history", "diff", "rollback", "restore",
      "device", "import", "export", "agent", "fleet", "token", "cert", "ca", "secrets", "git", "backup", "migrate",
      "admin-token", "k8s", "log-level", "completion", "rollout", "seal");

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The command line with every verb and fleetconf's error handling: one line on stderr, exit status 1. */
  public static CommandLine commandLine() {
    return withVerbs(VERBS);
  }

  /**
   * The command line for these arguments: with only the verb they name, if they name one, else (help,
   * a mistyped verb) with every verb. {@code completion} needs every verb to describe them all.
   */
  static CommandLine commandLine(String[] args) {
    for (String arg : args) {
      if (VERBS.contains(arg)) {
        return withVerbs(arg.equals("completion") ? VERBS : List.of(arg));
      }
    }
    boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    return withVerbs(versionOnly ? List.of() : VERBS);
  }

  private static CommandLine withVerbs(List<String> verbs) {
    CommandLine commandLine = new CommandLine(new Main());
    for (String verb : verbs) {
      commandLine.addSubcommand(verb, verbClass(verb));
    }
    commandLine.addSubcommand("help", CommandLine.HelpCommand.class);
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
      if (!List.of(args).contains("--json")) {
        return usage.handleParseException(e, args);
      }
      e.getCommandLine().getErr().println(jsonError(new CliException("usage", e.getMessage(), OptionalInt.empty())));
      e.getCommandLine().getErr().flush();
      return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    return commandLine;
  }

  /** A verb's class; a switch, so that only the one asked for is loaded. */
  private static Class<?> verbClass(String verb) {
    return switch (verb) {
      case "server" -> ServerCommand.class;
      case "kv" -> KvCommand.class;
      case "config" -> ConfigCommand.class;
      case "history" -> HistoryCommand.class;
      case "diff" -> DiffCommand.class;
      case "rollback" -> RollbackCommand.class;
      case "restore" -> RestoreCommand.class;
      case "device" -> DeviceCommand.class;
      case "import" -> ImportCommand.class;
      case "export" -> ExportCommand.class;
      case "agent" -> AgentCommand.class;
      case "fleet" -> FleetCommand.class;
      case "token" -> TokenCommand.class;
      case "cert" -> CertCommand.class;
      case "ca" -> CaCommand.class;
      case "secrets" -> SecretsCommand.class;
      case "git" -> GitCommand.class;
      case "backup" -> BackupCommand.class;
      case "migrate" -> MigrateCommand.class;
      case "admin-token" -> AdminTokenCommand.class;
      case "k8s" -> K8sCommand.class;
      case "log-level" -> LogLevelCommand.class;
      case "completion" -> CompletionCommand.class;
      case "rollout" -> RolloutCommand.class;
      case "seal" -> SealCommand.class;
      default -> throw new IllegalArgumentException("no verb " + verb);
    };
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
