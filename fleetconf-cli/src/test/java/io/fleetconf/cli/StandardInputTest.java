package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kv put --stdin} stores what it reads, less the one line ending a shell adds. */
class StandardInputTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void kvPutFromStdinKeepsSpacesTabsAndInnerNewlinesDroppingOnlyOneFinalNewline() throws Exception {
    put("global/cli/secret", "  pass\nword\t\r\n\n", "--secret"); // CRLF and the rest: finalNewline... below
    assertThat(value("global/cli/secret")).isEqualTo("  pass\nword\t\r\n");
  }

  @Test
  void finalNewlineIsDroppedOnceAndOnlyAtTheEnd() {
    assertThat(StandardInput.withoutFinalNewline("a\n\n")).isEqualTo("a\n");
    assertThat(StandardInput.withoutFinalNewline("\na\r\n")).isEqualTo("\na");
    assertThat(StandardInput.withoutFinalNewline("a\r")).isEqualTo("a\r");
    assertThat(StandardInput.withoutFinalNewline("")).isEmpty();
  }

  /** {@code fleetconf kv put KEY --stdin} in a JVM of its own, {@code input} on its standard input. */
  private void put(String key, String input, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("kv", "put", key, "--stdin", "--addr", server.uri().toString(),
        "--token", server.token()));
    args.addAll(List.of(more));
    Process process = new ProcessBuilder(ChildJvm.fleetconf(args.toArray(String[]::new))).redirectErrorStream(true)
        .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private String value(String key) {
    return server.get("/api/v1/entries/" + key).json().get("value").asText();
  }
}
