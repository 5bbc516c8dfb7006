package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What bash {@code source} reads from a rendered .env file, run for real. */
class EnvSourcedByBashTest {
  @TempDir Path dir;

  private String sourcedValue(ObjectNode tree, String name)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve("test.env"), Format.ENV.render(tree), StandardCharsets.UTF_8);
    Process bash = new ProcessBuilder(
            "bash", "-c", "set -a; . ./test.env; printf %s \"$" + name + "\"")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void singleQuotedValueKeepsSpacesDollarQuotesAndHashLiterally() throws Exception {
    String value = "say \"hi\" to $HOME #now = `id` \\";
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.putObject("tvApi").put("banner", value);

    assertThat(Format.ENV.render(tree)).isEqualTo("TV_API_BANNER='" + value + "'\n");
    assertThat(sourcedValue(tree, "TV_API_BANNER")).isEqualTo(value);
  }

  @Test
  void doubleQuotedValueWithApostropheNewlineAndShellCharacters() throws Exception {
    String value = "it's $HOME `id` $(id) \\ \"q\"\nline2\tend";
    ObjectNode tree = JsonNodeFactory.instance.objectNode().put("v", value);

    assertThat(sourcedValue(tree, "V")).isEqualTo(value);
  }

  @Test
  void unicodeAndEmptyValues() throws Exception {
    ObjectNode tree = JsonNodeFactory.instance.objectNode()
        .put("banner", "Lisboa – São João ✓")
        .put("empty", "");

    assertThat(sourcedValue(tree, "BANNER")).isEqualTo("Lisboa – São João ✓");
    assertThat(sourcedValue(tree, "EMPTY")).isEmpty();
  }
}
