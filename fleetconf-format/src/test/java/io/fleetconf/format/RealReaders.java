package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real readers of rendered files, run as processes: bash, python-dotenv and PyYAML. Under CI a
 * missing one fails the test; elsewhere the test is skipped with a reason that says how to get it.
 */
final class RealReaders {
  private RealReaders() {}

  /** Each name's value after {@code set -a; . file} in bash; a name left unset is absent. */
  static Map<String, String> sourcedByBash(Path file, List<String> names) throws IOException, InterruptedException {
    // NUL-separated name, set-or-not flag and value: a value may hold any other character.
    String script = "set -a; . \"$1\"; shift; for n; do printf '%s\\0%s\\0%s\\0' \"$n\" \"${!n+set}\" \"${!n}\"; done";
    List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", script, "bash", file.toString()));
    command.addAll(names);
    String[] fields = run(command).split("\0", -1);
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i + 2 < fields.length; i += 3) {
      if (fields[i + 1].equals("set")) {
        values.put(fields[i], fields[i + 2]);
      }
    }
    return values;
  }

  /** What python-dotenv's {@code dotenv_values(file)} gives, with its defaults (interpolation on). */
  static Map<String, String> readByPythonDotenv(Path file) throws IOException, InterruptedException {
    requirePython("dotenv", "pip install python-dotenv (or apt-get install python3-dotenv)");
    JsonNode values = Json.read(run(List.of("python3", "-c",
        "import json, sys\nfrom dotenv import dotenv_values\n"
            + "print(json.dumps(dotenv_values(sys.argv[1]), ensure_ascii=True))", file.toString())));
    Map<String, String> out = new LinkedHashMap<>();
    values.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    return out;
  }

  /** What PyYAML's {@code yaml.safe_load} gives for a file opened as text, as JSON. */
  static JsonNode loadedByPyYaml(Path file) throws IOException, InterruptedException {
    requirePython("yaml", "apt-get install python3-yaml");
    return Json.read(run(List.of("python3", "-c",
        "import json, sys, yaml\nwith open(sys.argv[1], encoding='utf-8') as f:\n"
            + "    print(json.dumps(yaml.safe_load(f), ensure_ascii=True))", file.toString())));
  }

  private static void requirePython(String module, String howToGet) throws IOException, InterruptedException {
    Process probe = new ProcessBuilder("python3", "-c", "import " + module).redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    boolean present = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError("python3 cannot import " + module + ": " + howToGet);
    }
    Assumptions.assumeTrue(present, "python3 cannot import " + module + ": " + howToGet);
  }

  // Standard error must stay empty: python-dotenv only warns when it skips a line it cannot parse.
  private static String run(List<String> command) throws IOException, InterruptedException {
    Path errors = Files.createTempFile("reader", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(command.get(0) + " finished").isTrue();
      String err = Files.readString(errors);
      assertThat(process.exitValue()).as(err).isZero();
      assertThat(err).as(command.get(0) + " standard error").isEmpty();
      return out;
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
