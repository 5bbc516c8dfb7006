package io.fleetconf.dist;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** What the package tests share: the built packages, commands, and the agent run as its unit says. */
final class Packaged {
  static final Path DIST = Path.of(System.getProperty("dist.dir", "target"));

  private Packaged() {}

  /** The one package file in target/ that {@code glob} names, e.g. {@code fleetconf-agent_*_amd64.deb}. */
  static Path file(String glob) throws IOException {
    try (var files = Files.newDirectoryStream(DIST, glob)) {
      List<Path> found = new ArrayList<>();
      files.forEach(found::add);
      assertThat(found).as("package %s in %s", glob, DIST).hasSize(1);
      return found.get(0);
    }
  }

  record Result(int exit, String output) {}

  /** Runs a command to its end, output and errors together. */
  static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }

  /** Runs a command that must succeed, and returns its output. */
  static String ok(String... command) throws IOException, InterruptedException {
    Result result = run(command);
    assertThat(result.exit()).as("%s exit status; output:%n%s", String.join(" ", command), result.output()).isZero();
    return result.output();
  }

  /** The unit's ExecStart command line, split as systemd splits one without quotes. */
  static List<String> execStart(Path unit) throws IOException {
    try (Stream<String> lines = Files.lines(unit)) {
      String line = lines.filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
      return Arrays.asList(line.substring("ExecStart=".length()).trim().split("\\s+"));
    }
  }

  /**
   * A device of {@code server} (which serves TLS) whose config writes its {@code common} namespace to
   * {@code env}; it enrols for a certificate at its first start, so the runtime does TLS and EC keys.
   */
  static String agentConfig(TestServer server, Path env, Path stateDir) {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/common", "{\"log_level\": \"info\"}");
    String enrol = server.post("/api/v1/tokens", "{\"kind\": \"enrolment\", \"device\": \"vv-1\"}")
        .json().get("token").asText();
    return "server: " + server.uri() + "\ndevice_id: vv-1\nca_file: " + server.caFile() + "\nenrol_token: " + enrol
        + "\nstate_dir: " + stateDir
        + "\noutputs:\n  - name: env\n    namespace: common\n    format: env\n    destination: " + env + "\n";
  }

  /**
   * Starts the agent with {@code command}, waits until it wrote {@code env} from the server's config, and
   * returns the executable the process runs (the launcher execs java, so that is the runtime's java).
   */
  static Path agentRenders(List<String> command, Path env, Path log) throws Exception {
    Process agent = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      eventually(Duration.ofSeconds(60), () -> "the agent wrote " + env + "; its log: " + read(log),
          () -> Files.exists(env) || !agent.isAlive());
      assertThat(env).as("the rendered file; agent log:%n%s", read(log)).exists();
      assertThat(Files.readString(env)).as("the rendered file; agent log:%n%s", read(log)).isEqualTo("LOG_LEVEL=info\n");
      return Path.of(agent.info().command().orElseThrow());
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
