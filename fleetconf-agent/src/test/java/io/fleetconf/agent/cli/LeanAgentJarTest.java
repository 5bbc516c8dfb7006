package io.fleetconf.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleetconf-agent.jar, as its launcher runs it: only the agent's classes, and a real agent process
 * that renders a file from a real server. Runs in the verify phase, once the jar is made (the
 * {@code lean-agent-jar} execution in this module's pom), which passes the jar's path.
 */
class LeanAgentJarTest {
  private static final Path LAUNCHER = Path.of("src/dist/bin/fleetconf-agent");
  /** What a device never needs: the server, its HTTP stack, the stores' drivers, the CA's crypto. */
  private static final List<String> NOT_IN_THE_AGENT = List.of("io/fleetconf/server/", "io/fleetconf/store/",
      "io/netty/", "java/sql/", "org/sqlite/", "org/postgresql/", "com/zaxxer/", "org/bouncycastle/", "org/flywaydb/",
      "io/fleetconf/cli/");

  @RegisterExtension static final TestServer SERVER = TestServer.fresh();

  private static Path jar;

  @BeforeAll
  static void theJarIsMade() {
    String built = System.getProperty("fleetconf.leanAgentJar");
    Assumptions.assumeTrue(built != null, "runs in the verify phase, after the package phase made the jar");
    jar = Path.of(built);
  }

  @Test
  void holdsTheAgentAndNothingOfTheServer() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> names = file.stream().map(java.util.zip.ZipEntry::getName).toList();
      assertThat(names).contains("io/fleetconf/agent/cli/Main.class", "io/fleetconf/agent/Agent.class",
          "io/fleetconf/client/Config.class", "com/hubspot/jinjava/Jinjava.class");
      assertThat(names).filteredOn(name -> NOT_IN_THE_AGENT.stream().anyMatch(name::startsWith)).isEmpty();
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.fleetconf.agent.cli.Main");
    }
  }

  @Test
  void launcherStartsTheAgentThatRendersAFileAndFollowsAChange(@TempDir Path dir) throws Exception {
    SERVER.post("/api/v1/devices", "{\"id\": \"lean-1\"}");
    SERVER.put("/api/v1/entries/global/lean/log_level", "\"info\"");
    Path env = dir.resolve("service.env");
    Path template = dir.resolve("motd.tmpl");
    Files.writeString(template, "device {{ device_id }} logs at {{ lean.log_level }}\n");
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, "server: " + SERVER.uri() + "\ndevice_id: lean-1\ntoken: " + SERVER.token() + "\n"
        + "state_dir: " + dir.resolve("state") + "\ndebounce: 1ms\noutputs:\n"
        + "  - name: env\n    namespace: lean\n    format: env\n    destination: " + env + "\n"
        + "  - name: motd\n    namespace: lean\n    template: " + template + "\n    destination: " + dir.resolve("motd") + "\n");
    ProcessBuilder start = new ProcessBuilder(LAUNCHER.toString(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
    start.environment().put("FLEETCONF_AGENT_JAR", jar.toString());
    Process agent = start.start();
    try {
      awaitFile(agent, env, "LOG_LEVEL=info\n", dir);
      awaitFile(agent, dir.resolve("motd"), "device lean-1 logs at info\n", dir);
      SERVER.put("/api/v1/entries/global/lean/log_level", "\"debug\"");
      awaitFile(agent, env, "LOG_LEVEL=debug\n", dir);
    } finally {
      agent.destroy();
      assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aBadConfigIsOneLineAndExitStatusOne(@TempDir Path dir) throws Exception {
    ProcessBuilder start = new ProcessBuilder(LAUNCHER.toString(), "--once", "--config", dir.resolve("none.yaml").toString())
        .redirectErrorStream(true);
    start.environment().put("FLEETCONF_AGENT_JAR", jar.toString());
    Process agent = start.start();
    String output = new String(agent.getInputStream().readAllBytes());
    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(agent.exitValue()).as(output).isEqualTo(1);
    assertThat(output.lines().toList()).hasSize(1);
    assertThat(output).startsWith("fleetconf-agent: ").contains("none.yaml");
  }

  /** Waits for {@code file} to hold {@code content}; an agent that stopped fails the wait at once. */
  private static void awaitFile(Process agent, Path file, String content, Path dir) {
    Eventually.eventually(Duration.ofSeconds(60), () -> file + " holding " + content + "; agent log: " + log(dir), () -> {
      if (!agent.isAlive()) {
        throw new AssertionError("the agent stopped (" + agent.exitValue() + "): " + log(dir));
      }
      return Files.exists(file) && Files.readString(file).equals(content);
    });
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("agent.log"));
    } catch (IOException e) {
      return "(none: " + e.getMessage() + ")";
    }
  }
}
