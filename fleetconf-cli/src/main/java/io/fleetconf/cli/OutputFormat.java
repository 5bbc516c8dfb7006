package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.core.InvalidInputException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code -o/--output text|json}, inherited by every verb, with {@code --json} as its alias. In json
 * mode a verb prints one JSON document on stdout, and a failure prints one error object on stderr
 * with the exit status of text mode (docs/cli.md).
 */
final class OutputFormat {
  enum Mode { TEXT, JSON }

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT, converter = ModeName.class,
      description = "text (default) or json: one JSON document on stdout, a failure as one JSON object on stderr.")
  Mode mode = Mode.TEXT;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "The same as -o json.")
  boolean json;

  boolean isJson() {
    return json || mode == Mode.JSON;
  }

  /** The output format of the command line {@code spec} belongs to (the root command holds it). */
  static OutputFormat of(CommandSpec spec) {
    return (OutputFormat) spec.root().mixins().get("output").userObject();
  }

  /** Prints {@code json} in json mode, else what {@code human} prints. */
  static void print(CommandSpec spec, JsonNode json, Consumer<Output> human) {
    Output out = new Output(spec.commandLine().getOut());
    if (of(spec).isJson()) {
      out.json(json);
    } else {
      human.accept(out);
    }
  }

  /** Refuses json mode for a verb whose output is text by nature (a shell script, a YAML file). */
  static void refuseJson(CommandSpec spec, String why) {
    if (of(spec).isJson()) {
      throw new ParameterException(spec.commandLine(), why);
    }
  }

  /** Installs the failure handlers and the help and version printing of json mode. */
  static void install(CommandLine commandLine) {
    commandLine.setExecutionExceptionHandler(OutputFormat::failed);
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      if (!of(cmd.getCommandSpec()).isJson() && !requested(args)) {
        return usage.handleParseException(e, args);
      }
      error(cmd.getErr(), new CliException("usage", e.getMessage(), OptionalInt.empty()));
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    commandLine.setExecutionStrategy(OutputFormat::execute);
  }

  private static int failed(Exception e, CommandLine cmd, ParseResult parsed) {
    CliException failure = switch (e) {
      case CliException cli -> cli;
      case InvalidInputException invalid -> new CliException(invalid.code(), invalid.getMessage(), OptionalInt.empty());
      default -> new CliException("unexpected", "unexpected error: " + e, OptionalInt.empty());
    };
    if (of(cmd.getCommandSpec()).isJson()) {
      error(cmd.getErr(), failure);
    } else {
      cmd.getErr().println("fleetconf: " + failure.line());
      cmd.getErr().flush();
    }
    return 1;
  }

  /** {@code {"error", "message"}} as the server has it, plus the status it answered. */
  private static void error(PrintWriter err, CliException failure) {
    ObjectNode error = new ErrorBody(failure.code(), failure.getMessage()).toJson();
    failure.status().ifPresent(status -> error.put("status", status));
    err.println(error);
    err.flush();
  }

  /**
   * Runs the last command; in json mode, usage and version help print as {@code {"usage"}} and
   * {@code {"version"}}, and a group of verbs without a verb is a usage error in both modes.
   */
  private static int execute(ParseResult parsed) {
    List<CommandLine> commands = parsed.asCommandLineList();
    CommandLine last = commands.get(commands.size() - 1);
    boolean json = of(last.getCommandSpec()).isJson();
    for (CommandLine command : commands) {
      if (json && command.isUsageHelpRequested()) {
        return wrapped(command, "usage", command.getUsageMessage(), command.getCommandSpec().exitCodeOnUsageHelp());
      }
      if (json && command.isVersionHelpRequested()) {
        return wrapped(command, "version", String.join("\n", command.getCommandSpec().version()),
            command.getCommandSpec().exitCodeOnVersionHelp());
      }
    }
    Object verb = last.getCommandSpec().userObject();
    if (!(verb instanceof Runnable || verb instanceof java.util.concurrent.Callable<?>)
        && !last.getSubcommands().isEmpty() && !last.isUsageHelpRequested() && !last.isVersionHelpRequested()) {
      throw new ParameterException(last, "Missing verb: give one of " + String.join(", ", last.getSubcommands().keySet()));
    }
    if (json && verb instanceof CommandLine.HelpCommand) {
      CommandLine target = last.getParent();
      List<String> names = last.getParseResult().matchedPositionals().stream()
          .flatMap(positional -> positional.stringValues().stream()).toList();
      for (String name : names) {
        target = target.getSubcommands().get(name);
        if (target == null) {
          throw new ParameterException(last, "Unknown subcommand '" + name + "'.");
        }
      }
      return wrapped(last, "usage", target.getUsageMessage(), 0);
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static int wrapped(CommandLine command, String field, String text, int status) {
    new Output(command.getOut()).json(ApiClient.JSON.createObjectNode().put(field, text));
    return status;
  }

  /**
   * Whether the words ask for json mode: for a usage error, which may come before the option
   * itself is parsed. Stops at {@code --}, after which words are values.
   */
  static boolean requested(String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--json") || arg.equals("-ojson") || arg.equals("-o=json") || arg.equals("--output=json")) {
        return true;
      }
      if ((arg.equals("-o") || arg.equals("--output")) && i + 1 < args.length
          && args[i + 1].equalsIgnoreCase("json")) {
        return true;
      }
    }
    return false;
  }

  /** Reads {@code text} and {@code json} in any case. */
  static final class ModeName implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "text" -> Mode.TEXT;
        case "json" -> Mode.JSON;
        default -> throw new CommandLine.TypeConversionException("'" + name + "' is not text or json");
      };
    }
  }
}
