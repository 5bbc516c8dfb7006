package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What bash {@code source} and python-dotenv read from a rendered .env file, run for real. */
class EnvReadBackTest {
  @TempDir Path dir;

  /** Values a .env file can carry; each must come back byte for byte from every reader. */
  private static final List<String> AWKWARD = List.of(
      "C:\\temp\\x", "x\\\\y", "\\\\server\\c$\\share", "a\\'b", "a\\\"b", "\\n is not a newline", "\\\\n",
      "it's", "say \"hi\"", "both ' and \"", "'", "\"", "''", "ends with quote'",
      "$", "$HOME $(id) `id` ${X", "${X:?unset}", "$$", "it's $ 5", "it's 5$", "cost: 5$ \"net\"",
      "#not a comment", "a #b", "a#b", " # ", "  both ends  ", "\ttabs\t", "", "a=b", "=", "==x",
      "line1\nline2\n", "\nleading newline", "multi\n$HOME\n`id`", "it's\nmulti\\\\line", "*.log", "~/x",
      "!bang !! !$", "a;b|c&d>e<f(g)", "export X=1", "-dash", "Lisboa – São João ✓ 😀 日本語",
      "\u00a0nbsp\u00a0", "x\u0085nel", "\u2028ls\u2029ps", "\ufeffbom", "\u0001\u001b[0m\u007f\u0080\u009f",
      "\013\014vt ff", "\u001c\u001d\u001e\u001f");

  private Path rendered(ObjectNode tree) throws Exception {
    return Files.writeString(dir.resolve("test.env"), Format.ENV.render(tree), StandardCharsets.UTF_8);
  }

  @Test
  void awkwardValuesReadBackByteIdenticalInBashAndPythonDotenv() throws Exception {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    Map<String, String> expected = new LinkedHashMap<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      tree.put("v" + i, AWKWARD.get(i));
      expected.put("V" + i, AWKWARD.get(i));
    }
    tree.put("after", "still-here").put("flag", true).set("num", Json.read("1.10"));
    expected.put("AFTER", "still-here");
    expected.put("FLAG", "true");
    expected.put("NUM", "1.10");
    Path file = rendered(tree);

    assertThat(RealReaders.sourcedByBash(file, new ArrayList<>(expected.keySet()))).isEqualTo(expected);
    assertThat(RealReaders.readByPythonDotenv(file)).isEqualTo(expected);
    ObjectNode own = JsonNodeFactory.instance.objectNode();
    expected.forEach(own::put);
    assertThat(Format.ENV.parse(Files.readString(file))).isEqualTo(own);
  }

  @Test
  void randomValuesOfShellCharactersReadBackUnchangedOrAreRefused() throws Exception {
    String alphabet = "\\\\'\"$$`#  \t\n{}():-=!*~ab_é\u0085\u2028\u0001";
    Random random = new Random(20261202);
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    Map<String, String> expected = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder value = new StringBuilder();
      for (int n = random.nextInt(9); n > 0; n--) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        Format.ENV.render(JsonNodeFactory.instance.objectNode().put("v", value.toString()));
      } catch (DocumentException refused) {
        continue;
      }
      tree.put("v" + i, value.toString());
      expected.put("V" + i, value.toString());
    }
    Path file = rendered(tree);

    assertThat(expected).hasSizeGreaterThan(2000);
    assertThat(RealReaders.sourcedByBash(file, new ArrayList<>(expected.keySet()))).isEqualTo(expected);
    assertThat(RealReaders.readByPythonDotenv(file)).isEqualTo(expected);
  }

  @Test
  void singleQuotedValueKeepsSpacesDollarQuotesAndHashLiterally() throws Exception {
    String value = "say \"hi\" to $HOME #now = `id` \\ x";
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.putObject("tvApi").put("banner", value);
    Path file = rendered(tree);

    assertThat(Files.readString(file)).isEqualTo("TV_API_BANNER='" + value + "'\n");
    assertThat(RealReaders.sourcedByBash(file, List.of("TV_API_BANNER"))).containsEntry("TV_API_BANNER", value);
    assertThat(RealReaders.readByPythonDotenv(file)).containsEntry("TV_API_BANNER", value);
  }

  @Test
  void valueEndingInBackslashIsRefusedRatherThanSwallowingTheLinesAfterIt() {
    ObjectNode tree = JsonNodeFactory.instance.objectNode().put("path", "C:\\temp\\").put("next", "still-here");

    assertThatThrownBy(() -> Format.ENV.render(tree))
        .isInstanceOf(DocumentException.class)
        .hasMessage("key 'path' cannot be written as PATH in .env: its value ends with a backslash, "
            + "which python-dotenv reads as escaping the closing quote");
  }

  @Test
  void valueWithCarriageReturnIsRefused() {
    assertThatThrownBy(() -> Format.ENV.render(JsonNodeFactory.instance.objectNode().put("d", "cr\r")))
        .isInstanceOf(DocumentException.class)
        .hasMessage("key 'd' cannot be written as D in .env: its value holds a carriage return, "
            + "which python-dotenv reads as a line break and bash cannot read from an escape");
    assertThatThrownBy(() -> Format.ENV.render(JsonNodeFactory.instance.objectNode().put("d", "a\r\nb")))
        .hasMessageContaining("carriage return");
  }

  @Test
  void valueThatPythonDotenvWouldInterpolateIsRefused() {
    for (String value : List.of("${X}", "a${}b", "${X:-default}", "x ${A\nB} y")) {
      ObjectNode tree = JsonNodeFactory.instance.objectNode();
      tree.putObject("db").put("url", value);
      assertThatThrownBy(() -> Format.ENV.render(tree))
          .as(value)
          .isInstanceOf(DocumentException.class)
          .hasMessage("key 'db/url' cannot be written as DB_URL in .env: its value holds ${...}, "
              + "which python-dotenv replaces with a variable's value even inside single quotes");
    }
  }

  @Test
  void valueNeedingDoubleQuotesWithExpandingDollarOrBacktickIsRefused() {
    for (String value : List.of("it's $HOME", "x\\\\y`id`", "it's ${X", "'$1'", "it's $(id)", "it's $$")) {
      assertThatThrownBy(() -> Format.ENV.render(JsonNodeFactory.instance.objectNode().put("v", value)))
          .as(value)
          .isInstanceOf(DocumentException.class)
          .hasMessage("key 'v' cannot be written as V in .env: its value holds ' or \\\\, which only double "
              + "quotes can carry, and $ or ` there, which bash expands and python-dotenv cannot escape");
    }
  }

  @Test
  void valueWithNulIsRefused() {
    assertThatThrownBy(() -> Format.ENV.render(JsonNodeFactory.instance.objectNode().put("v", "a\0b")))
        .isInstanceOf(DocumentException.class)
        .hasMessage("key 'v' cannot be written as V in .env: its value holds a NUL character, "
            + "which no shell variable can hold");
  }
}
