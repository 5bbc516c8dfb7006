package io.fleetconf.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true, description = {
    "Print the shell completion script, made from the command definitions (bash; zsh through bashcompinit):",
    "  source <(fleetconf completion bash)",
    "  autoload -U +X bashcompinit && bashcompinit && source <(fleetconf completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.") String shell;

  @Override
  public Integer call() {
    OutputFormat.refuseJson(spec, "completion prints a shell script, not JSON: leave out -o json");
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CliException("SHELL must be bash or zsh, was '" + shell + "'");
    }
    // picocli's script serves both: zsh runs it through bashcompinit.
    spec.commandLine().getOut().print(AutoComplete.bash("fleetconf", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
