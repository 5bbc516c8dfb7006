package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.testing.RealAnsible;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code to_yaml} and {@code to_nice_yaml} against Ansible's own filter functions, called by the
 * Python that runs {@code ansible-playbook}: YAML's corner cases (quoting, line folding at the
 * width, unicode, escapes, empty and nested collections) come out byte-identical.
 */
class PythonYamlTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static final String VALUES = """
      [
        {"a": 1, "b": [1, 2], "c": {"d": null, "e": true}, "f": 1.5, "g": 1e20, "h": 0.0001, "i": -3},
        ["yes", "no", "on", "off", "true", "1.10", "010", "0x1F", "1e3", "1_000", "12:30", "2024-01-31", "~", "null", "", "=", "<<", "-", "- x", "-x", "? x", ":x", "a:b", "a: b", "a #b", "a#b", "#a", "@x", "`x", "%x", "!x", "&x", "*x", "|x", ">x", "'x", "\\"x", "[x", "x]", "{x", "x,y", "---", "...x", " x", "x ", "\\tx", "x\\ty", "x\\u00a0y", "\\u00a0", "caf\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\\u0085", "\\u2028", "\\ufeff", "\\u0007", "\\r", "x\\ry"],
        {"ml": "line1\\nline2\\n", "ml2": "a\\n\\nb", "ml3": "\\nlead", "ml4": "trail \\nx", "ml5": "x\\n  indented"},
        {"long": "word word word word word word word word word word word word word word word word word word word word word word word",
         "longer": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb ccc",
         "quoted long": "it's a long quoted value with 'quotes' that goes past the width of eighty columns for sure yes",
         "dq long": "tab\\there and a long value that goes past the width of eighty columns for sure, yes it does",
         "spaces": "two  spaces  between  words  in  a  long  value  that  goes  past  eighty  columns  wide"},
        [[1, [2, [3]]], {"x": [{"y": [1]}]}, [], {}, [[]], [{}], {"k": []}, {"k": {}}],
        {"z": 1, "A": 2, "a": 3, "_": 4, "10": 5, "9": 6},
        {"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": 1, "": 2, "multi\\nline": 3},
        "just a string",
        42,
        null,
        [{"name": "api1", "port": 8080, "tags": ["a", "b"]}, {"name": "api2", "env": {"X": "1", "Y": "two words"}}]
      ]""";

  /** Ansible's filters as Python calls them, with each case's keyword arguments. */
  private static final String SCRIPT = """
      import json, sys
      from ansible.plugins.filter.core import to_yaml, to_nice_yaml
      values = json.load(open(sys.argv[1]))
      calls = json.load(open(sys.argv[2]))
      out = []
      for v in values:
          for name, kw in calls:
              out.append((to_yaml if name == 'to_yaml' else to_nice_yaml)(v, **kw))
      print(json.dumps(out))
      """;

  private static final List<Object[]> CALLS = List.of(
      new Object[] {"to_yaml", Map.of()},
      new Object[] {"to_nice_yaml", Map.of()},
      new Object[] {"to_nice_yaml", Map.of("indent", 2, "sort_keys", false)},
      new Object[] {"to_yaml", Map.of("width", 40, "default_flow_style", false)},
      new Object[] {"to_yaml", Map.of("default_flow_style", true, "explicit_start", true)});

  /** The Python that runs Ansible (the shebang of {@code ansible-playbook}). */
  private static String python() throws Exception {
    String shebang = Files.readAllLines(RealAnsible.command("ansible-playbook")).get(0);
    return shebang.substring(2).strip().split(" ")[0];
  }

  @Test
  void toYamlAndToNiceYamlAreByteIdenticalToAnsibles() throws Exception {
    Path values = Files.writeString(dir.resolve("values.json"), VALUES);
    Path calls = Files.writeString(dir.resolve("calls.json"), JSON.writeValueAsString(CALLS));
    Path script = Files.writeString(dir.resolve("dump.py"), SCRIPT);
    JsonNode expected = JSON.readTree(RealAnsible.run(dir, python(), script.toString(), values.toString(), calls.toString()));
    List<String> actual = new ArrayList<>();
    for (JsonNode value : JSON.readTree(VALUES)) {
      for (Object[] call : CALLS) {
        @SuppressWarnings("unchecked")
        Map<String, Object> kw = (Map<String, Object>) call[1];
        boolean nice = call[0].equals("to_nice_yaml");
        actual.add(PythonYaml.dump(JSON.convertValue(value, Object.class), new PythonYaml.Options(
            ((Number) kw.getOrDefault("indent", nice ? 4 : 2)).intValue(), ((Number) kw.getOrDefault("width", 80)).intValue(),
            nice ? Optional.of(false) : Optional.ofNullable((Boolean) kw.get("default_flow_style")),
            (Boolean) kw.getOrDefault("sort_keys", true), (Boolean) kw.getOrDefault("explicit_start", false))));
      }
    }
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i)).as("case %d (%s)", i / CALLS.size(), CALLS.get(i % CALLS.size())[0] + " "
          + CALLS.get(i % CALLS.size())[1]).isEqualTo(expected.get(i).asText());
    }
  }
}
