package io.fleetconf.cli;

import io.fleetconf.agent.cli.AgentCommand;
import java.util.List;
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

  /** The output mode every verb inherits ({@code -o/--output}, {@code --json}). */
  @CommandLine.Mixin(name = "output") OutputFormat output;

  /** The command line with every verb, fleetconf's output modes and error handling (OutputFormat; docs/cli.md). */
  public static CommandLine commandLine() {
    return withVerbs(VERBS);
  }

  /**
   * The command line for these arguments: with only the verb they name, if they name one, else (help,
   * a mistyped verb) with every verb. {@code completion} needs every verb to describe them all.
   */
  static CommandLine commandLine(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (VERBS.contains(args[i])) {
        if (args[i].equals("completion")) {
          return withVerbs(VERBS);
        }
        String verb = args[i];
        // Its own verb, as typed: the next word that is not an option (kv get, device ls).
        java.util.Optional<String> named = java.util.Arrays.stream(args, i + 1, args.length)
            .filter(word -> !word.startsWith("-")).findFirst();
        return withVerbs(List.of(verb), named);
      }
    }
    boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    return withVerbs(versionOnly ? List.of() : VERBS);
  }

  private static CommandLine withVerbs(List<String> verbs) {
    return withVerbs(verbs, java.util.Optional.empty());
  }

  /**
   * The command line with {@code verbs}; of the verbs of a verb that has several ({@link #verbsOf}),
   * only the one {@code named}, if it names one (else all: help, a mistyped verb).
   */
  private static CommandLine withVerbs(List<String> verbs, java.util.Optional<String> named) {
    // picocli's default factory looks for Groovy's Closure class when first used: a class no jar has, which
    // makes the class loader open and index all of fleetconf.jar's 28,000 entries at start.
    System.setProperty("picocli.disable.closures", "true");
    CommandLine commandLine = new CommandLine(new Main());
    for (String verb : verbs) {
      commandLine.addSubcommand(verb, verbClass(verb));
      List<Class<?>> own = verbsOf(verb);
      java.util.Optional<Class<?>> typed = named.flatMap(name -> own.stream()
          .filter(command -> isNamed(command, name)).findFirst());
      typed.map(List::<Class<?>>of).orElse(own).forEach(commandLine.getSubcommands().get(verb)::addSubcommand);
    }
    commandLine.addSubcommand("help", CommandLine.HelpCommand.class);
    giveVersion(commandLine); // every verb takes --version: it printed nothing but the root's
    OutputFormat.install(commandLine); // after the verbs: picocli hands its handlers to the commands it has
    return commandLine;
  }

  private static void giveVersion(CommandLine command) {
    command.getCommandSpec().versionProvider(new Version());
    command.getSubcommands().values().forEach(Main::giveVersion);
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

  /**
   * The verbs of a verb that has several, which it lists in {@code VERBS} rather than in its
   * annotation, so that they are registered as the verbs are: {@code kv get} reflects on
   * {@code kv get} only, not on {@code kv put}, {@code kv rm} and {@code kv ls} too. Verbs with one
   * verb of their own keep it in their annotation.
   */
  private static List<Class<?>> verbsOf(String verb) {
    return switch (verb) {
      case "kv" -> KvCommand.VERBS;
      case "device" -> DeviceCommand.VERBS;
      case "rollout" -> RolloutCommand.VERBS;
      case "token" -> TokenCommand.VERBS;
      case "cert" -> CertCommand.VERBS;
      case "git" -> GitCommand.VERBS;
      default -> List.of();
    };
  }

  /** Whether a command class has this name or alias, from its annotation alone (its fields are not reflected on). */
  private static boolean isNamed(Class<?> command, String name) {
    Command annotation = command.getAnnotation(Command.class);
    return annotation.name().equals(name) || List.of(annotation.aliases()).contains(name);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fleetconf " + (version == null ? "dev" : version)};
    }
  }
}
