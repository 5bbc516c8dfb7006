package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script, loaded into a real bash, completes fleetconf's verbs and options. */
class CompletionTest {
  @TempDir Path dir;

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    Path script = dir.resolve("fleetconf.bash");
    Files.writeString(script, run("completion", "bash"));
    assertThat(complete(script, "fleetconf kv ")).isEqualTo("get\nls\nput\nrm\n");
    assertThat(complete(script, "fleetconf log-level --lo")).isEqualTo("--logger\n");
    assertThat(run("completion", "zsh")).isEqualTo(run("completion", "bash"));
  }

  @Test
  void anotherShellIsRefusedByName() {
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    assertThat(commandLine.execute("completion", "fish")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("fleetconf: SHELL must be bash or zsh, was 'fish'\n");
  }

  /** What bash offers after {@code line}, one per line, sorted. */
  private String complete(Path script, String line) throws Exception {
    String words = line.endsWith(" ") ? line + "''" : line;
    String program = "source " + script + "\n"
        + "COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE='" + line + "';"
        + " COMP_POINT=${#COMP_LINE}\n"
        + "_complete_fleetconf fleetconf\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\" | sort\n";
    // stderr aside: outside a real completion, compopt complains that it is not in one.
    Process bash = new ProcessBuilder("bash", "-c", program).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).map(s -> s + "\n")
        .reduce("", String::concat);
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute(args)).isZero();
    return out.toString();
  }
}
