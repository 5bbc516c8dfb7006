package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 item 25: {@code kv rm -r} shows what goes and asks on a terminal; {@code --yes} skips the
 * question; without a terminal and without {@code --yes} it refuses; {@code --dry-run} deletes nothing.
 */
class RecursiveRemoveTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  @BeforeEach
  void seed() {
    for (int i = 0; i < 12; i++) {
      assertThat(run("kv", "put", "global/common/k" + (char) ('a' + i), "v").status()).isZero();
    }
    assertThat(run("kv", "put", "global/other/x", "v").status()).isZero();
  }

  @Test
  void withoutATerminalAndWithoutYesItRefusesAndDeletesNothing() {
    CliRun refused = run("kv", "rm", "-r", "global/common");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).isEqualTo("fleetconf: kv rm -r would delete 12 key(s) at or below global/common;"
        + " standard input is not a terminal to ask on: add --yes to delete them, or --dry-run to list them\n");
    assertThat(server.revision()).isEqualTo(13);
  }

  @Test
  void dryRunListsWhatWouldGoAndDeletesNothing() {
    CliRun dry = run("kv", "rm", "-r", "--dry-run", "global/common");
    assertThat(dry.status()).isZero();
    assertThat(dry.out()).startsWith("12 key(s) at or below global/common would be deleted (dry run, nothing"
        + " deleted)\n  global/common/ka\n  global/common/kb\n").endsWith("  global/common/kl\n");
    assertThat(dry.out().lines()).hasSize(13);
    assertThat(server.revision()).isEqualTo(13);
  }

  @Test
  void yesDeletesWithoutAsking() {
    assertThat(run("kv", "rm", "-r", "--yes", "global/common").out()).isEqualTo("revision 14: deleted 12\n");
    assertThat(run("kv", "ls", "global").out()).isEqualTo("KEY             REV  VALUE\nglobal/other/x  13   v\n");
  }

  @Test
  void onATerminalItShowsTheKeysAndAsks() throws Exception {
    Terminal declined = onTerminal("n\n", "kv", "rm", "-r", "global/common");
    assertThat(declined.status()).isEqualTo(1);
    assertThat(declined.text()).contains("this deletes 12 key(s) at or below global/common:\n  global/common/ka\n",
        "  global/common/kj\n  ... and 2 more\ndelete them? [y/N] ", "fleetconf: nothing deleted");
    assertThat(server.revision()).isEqualTo(13);

    Terminal confirmed = onTerminal("y\n", "kv", "rm", "-r", "global/common");
    assertThat(confirmed.status()).as(confirmed.text()).isZero();
    assertThat(confirmed.text()).contains("revision 14: deleted 12\n");
    assertThat(server.revision()).isEqualTo(14);
  }

  record Terminal(int status, String text) {}

  /** Runs the CLI in a child JVM on a pseudo-terminal ({@code script}), typing {@code input}. */
  private Terminal onTerminal(String input, String... args) throws Exception {
    StringBuilder command = new StringBuilder();
    for (String word : List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName())) {
      command.append(quoted(word)).append(' ');
    }
    for (String arg : args) {
      command.append(quoted(arg)).append(' ');
    }
    command.append("--addr=").append(server.uri()).append(" --token=").append(server.token());
    Process process = new ProcessBuilder("script", "-qec", command.toString(), "/dev/null")
        .redirectErrorStream(true).start();
    process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Terminal(process.exitValue(), text.replace("\r\n", "\n"));
  }

  private static String quoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
