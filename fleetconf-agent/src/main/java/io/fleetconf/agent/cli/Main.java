package io.fleetconf.agent.cli;

import io.fleetconf.api.ErrorBody;
import io.fleetconf.core.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The lean agent's command ({@code fleetconf-agent.jar}, docs/agent.md): {@code fleetconf agent}'s
 * options and {@code retry}, in a jar without the server's classes.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The agent command line: a failure is one line on stderr (JSON with --json, as the full CLI's), exit status 1. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new AgentCommand());
    commandLine.setCommandName("fleetconf-agent");
    commandLine.addMixin("output", new JsonMode()); // -o json / --json, as the full CLI's root has them
    String version = Main.class.getPackage().getImplementationVersion();
    commandLine.getCommandSpec().version("fleetconf-agent " + (version == null ? "(development build)" : version));
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      String code = e instanceof InvalidInputException invalid ? invalid.code() : "unexpected";
      String message = e instanceof InvalidInputException ? e.getMessage() : "unexpected error: " + e;
      boolean json = JsonMode.of(cmd.getCommandSpec());
      err.println(json ? new ErrorBody(code, message).toJson().toString() : "fleetconf-agent: " + message);
      err.flush();
      return 1;
    });
    return commandLine;
  }
}
