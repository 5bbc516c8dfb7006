package io.fleetconf.dist;

import static io.fleetconf.dist.Packaged.agentConfig;
import static io.fleetconf.dist.Packaged.agentRenders;
import static io.fleetconf.dist.Packaged.execStart;
import static io.fleetconf.dist.Packaged.ok;
import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestTls;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb packages installed on this machine with dpkg, as root. No systemd runs here (it is not
 * PID 1), so the units are checked with systemd-analyze and their ExecStart lines run directly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageTest {
  private static final Path AGENT_UNIT = Path.of("/lib/systemd/system/fleetconf-agent.service");
  private static final Path SERVER_UNIT = Path.of("/lib/systemd/system/fleetconf-server.service");
  private static final Path AGENT_YAML = Path.of("/etc/fleetconf/agent.yaml");

  @RegisterExtension final TestServer server = TestServer.fresh().tls();
  @TempDir Path dir;

  @BeforeAll
  static void install() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
    purge(); // what an earlier, interrupted run may have left
    ok("dpkg", "-i", Packaged.file("fleetconf_*_amd64.deb").toString(),
        Packaged.file("fleetconf-agent_*_amd64.deb").toString());
  }

  @AfterAll
  static void purge() throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      ok("dpkg", "-P", "fleetconf", "fleetconf-agent");
    }
  }

  @Test
  @Order(1)
  void systemdAcceptsBothUnits() throws Exception {
    ok("systemd-analyze", "verify", SERVER_UNIT.toString(), AGENT_UNIT.toString());
    assertThat(Files.readString(SERVER_UNIT)).contains("User=fleetconf\n", "CapabilityBoundingSet=\n",
        "NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "ReadWritePaths=/var/lib/fleetconf\n");
  }

  @Test
  @Order(1)
  void configIsReadableByItsReadersOnlyAndDataByItsOwner() throws Exception {
    assertThat(Files.getPosixFilePermissions(AGENT_YAML)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Path serverEnv = Path.of("/etc/fleetconf/server.env");
    assertThat(Files.getPosixFilePermissions(serverEnv)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(Files.readAttributes(serverEnv, PosixFileAttributes.class).group().getName()).isEqualTo("fleetconf");
    Path data = Path.of("/var/lib/fleetconf");
    assertThat(Files.getOwner(data).getName()).isEqualTo("fleetconf");
    assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(Path.of("/var/lib/fleetconf-agent")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(ok("getent", "passwd", "fleetconf")).endsWith(":/var/lib/fleetconf:/usr/sbin/nologin\n");
    assertThat(Path.of("/usr/bin/fleetconf-agent").toRealPath())
        .isEqualTo(Path.of("/usr/lib/fleetconf-agent/bin/fleetconf-agent"));
  }

  @Test
  @Order(2)
  void agentRunsOnItsPackagedRuntimeAndRendersAFile() throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(AGENT_YAML, agentConfig(server, env, Path.of("/var/lib/fleetconf-agent")));

    Path java = agentRenders(execStart(AGENT_UNIT), env, dir.resolve("agent.log"));

    assertThat(java).isEqualTo(Path.of("/usr/lib/fleetconf-agent/runtime/bin/java"));
    assertThat(Path.of("/var/lib/fleetconf-agent/identity/device.crt")).exists(); // it enrolled
  }

  @Test
  @Order(3)
  void serverRunsAsTheFleetconfUserOnItsDataDirectory() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=fleetconf", "--regid=fleetconf", "--init-groups"));
    execStart(SERVER_UNIT).stream().filter(word -> !word.startsWith("$")).forEach(command::add);
    command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port))); // HTTPS, as server.env has it
    Path log = dir.resolve("server.log");
    Path ca = Path.of("/var/lib/fleetconf/ca/ca.crt"); // the fleet CA it makes at its first start
    URI health = URI.create("https://127.0.0.1:" + port + "/api/v1/health");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      eventually(Duration.ofSeconds(60), () -> "the packaged server answered; its log: " + Packaged.read(log),
          () -> (Files.exists(ca) && answers(ca, health)) || !process.isAlive());
      assertThat(answers(ca, health)).as("server log:%n%s", Packaged.read(log)).isTrue();
      assertThat(Path.of(process.info().command().orElseThrow())).isEqualTo(Path.of("/usr/lib/fleetconf/runtime/bin/java"));
      assertThat(Files.getOwner(Path.of("/var/lib/fleetconf/fleetconf.db")).getName()).isEqualTo("fleetconf");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  private static boolean answers(Path ca, URI uri) {
    try {
      HttpClient http = HttpClient.newBuilder().sslContext(TestTls.context(Optional.of(ca), Optional.empty()))
          .sslParameters(TestTls.parameters()).build();
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (java.io.IOException | RuntimeException e) { // not up yet, or its CA file half written
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The package again as a later version ({@code <version>+next}), for a real upgrade. */
  private Path nextVersion(Path deb) throws Exception {
    Path tree = dir.resolve("next");
    ok("dpkg-deb", "-R", deb.toString(), tree.toString());
    Path control = tree.resolve("DEBIAN/control");
    Files.writeString(control, Files.readString(control).replaceFirst("(?m)^(Version: .*)$", "$1+next"));
    Path next = dir.resolve("next.deb");
    ok("dpkg-deb", "--root-owner-group", "-Znone", "--build", tree.toString(), next.toString());
    return next;
  }

  @Test
  @Order(4)
  void reinstallAndUpgradeKeepEditedConfigRemoveKeepsDataPurgeDeletesIt() throws Exception {
    Files.writeString(AGENT_YAML, "# edited\n");
    Path agentData = Path.of("/var/lib/fleetconf-agent/kept");
    Path serverData = Path.of("/var/lib/fleetconf/kept");
    Files.writeString(agentData, "agent");
    Files.writeString(serverData, "server");

    ok("dpkg", "-i", Packaged.file("fleetconf_*_amd64.deb").toString(),
        Packaged.file("fleetconf-agent_*_amd64.deb").toString());
    assertThat(Files.readString(AGENT_YAML)).isEqualTo("# edited\n");

    ok("dpkg", "-i", nextVersion(Packaged.file("fleetconf-agent_*_amd64.deb")).toString());
    assertThat(ok("dpkg-query", "-W", "-f", "${Version}", "fleetconf-agent")).endsWith("+next");
    assertThat(Files.readString(AGENT_YAML)).isEqualTo("# edited\n");
    assertThat(Files.readString(agentData)).isEqualTo("agent");

    ok("dpkg", "-r", "fleetconf", "fleetconf-agent");
    assertThat(Path.of("/usr/bin/fleetconf-agent")).doesNotExist();
    assertThat(Files.readString(agentData)).isEqualTo("agent");
    assertThat(Files.readString(serverData)).isEqualTo("server");
    assertThat(Files.readString(AGENT_YAML)).isEqualTo("# edited\n");

    ok("dpkg", "-P", "fleetconf", "fleetconf-agent");
    assertThat(Path.of("/var/lib/fleetconf-agent")).doesNotExist();
    assertThat(Path.of("/var/lib/fleetconf")).doesNotExist();
    assertThat(AGENT_YAML).doesNotExist();
  }
}
