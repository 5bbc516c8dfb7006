package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What PyYAML and fleetconf's own reader read from a rendered YAML file. */
class YamlReadBackTest {
  @TempDir Path dir;

  /** Strings holding what YAML reads as a line break, or may not hold raw (non-printable). */
  private static final List<String> BREAKS_AND_NON_PRINTABLES = List.of(
      "x\u0085y", "\u0085", "nel at end\u0085", "\u0085 at start", "x\u2028y", "x\u2029y", "ls at end\u2028",
      "\ufeffbom", "x\ufeffy", "\u0001", "a\u0007b", "\u001b[0m", "x\u007fy", "\u0080", "x\u009fy", "\u00a0nbsp\u00a0",
      "tab\tin", "cr\rx", "crlf\r\n", "x\ufffey", "x\uffffy", "emoji 😀", "mixed\nline\u0085and\u2028more\n",
      "a: b\u0085c", "- x\u2028", "\u0085- list", "a\r\nb", "\n", " lead\nx", "trail \nx", "a\n\n", "\ta\nb");

  @Test
  void stringsWithNelLineSeparatorOrControlCharactersReadBackExactly() throws Exception {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    ObjectNode keys = tree.putObject("keys");
    for (int i = 0; i < BREAKS_AND_NON_PRINTABLES.size(); i++) {
      tree.put("v" + i, BREAKS_AND_NON_PRINTABLES.get(i));
      keys.put(BREAKS_AND_NON_PRINTABLES.get(i), i);
    }
    tree.putArray("list").add("x\u0085y").add("x\u2029y");
    Path file = Files.writeString(dir.resolve("test.yaml"), Format.YAML.render(tree), StandardCharsets.UTF_8);

    assertThat(Json.write(RealReaders.loadedByPyYaml(file))).isEqualTo(Json.write(tree));
    assertThat(Json.write(Format.YAML.parse(Files.readString(file)))).isEqualTo(Json.write(tree));
  }

  /** YAML 1.1 types a plain "=" (value key) and "<<" (merge key): the file did not load, or "<<" merged into its parent. */
  @Test
  void theYaml11ValueAndMergeKeysAreStringsAsKeysAndValues() throws Exception {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.put("eq", "=").put("merge", "<<").put("=", "eq key");
    tree.putObject("<<").put("a", 1);
    tree.putObject("inner").put("<<", "x").put("b", "<<=");
    tree.putArray("list").add("=").add("<<");
    Path file = Files.writeString(dir.resolve("keys.yaml"), Format.YAML.render(tree), StandardCharsets.UTF_8);

    assertThat(Json.write(RealReaders.loadedByPyYaml(file))).isEqualTo(Json.write(tree));
    assertThat(Json.write(Format.YAML.parse(Files.readString(file)))).isEqualTo(Json.write(tree));
  }
}
