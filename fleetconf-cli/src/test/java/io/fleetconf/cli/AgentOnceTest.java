package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetconf agent --once}, as cron or an Ansible run would call it: real processes, real server. */
class AgentOnceTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  @BeforeEach
  void device() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/common", "{\"log_level\": \"info\", \"dvr_ip\": \"10.0.0.10\"}");
  }

  private Path config(String stateDir) throws Exception {
    Path file = dir.resolve(stateDir + ".yaml");
    Files.writeString(file, "server: " + server.uri() + "\ndevice_id: vv-1\ntoken: " + server.token() + "\n"
        + "state_dir: " + dir.resolve(stateDir) + "\n"
        + "outputs:\n  - name: env\n    namespace: common\n    format: env\n    destination: " + dir.resolve(".env")
        + "\n    mode: \"0600\"\n    check: \"! grep -q BROKEN {path}\"\n");
    return file;
  }

  private int once(Path config) throws Exception {
    Process process = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("once.log").toFile()).start();
    return process.waitFor();
  }

  @Test
  void writesOnceReportsAndSaysHowItWent() throws Exception {
    Path config = config("state");
    assertThat(once(config)).isZero();
    assertThat(Files.readString(dir.resolve(".env"))).isEqualTo("LOG_LEVEL=info\nDVR_IP=10.0.0.10\n");
    assertThat(Files.getPosixFilePermissions(dir.resolve(".env"))).hasToString("[OWNER_READ, OWNER_WRITE]");
    FileTime written = Files.getLastModifiedTime(dir.resolve(".env"));
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0).get("status").asText())
        .isEqualTo("applied");

    assertThat(once(config)).isZero();
    assertThat(Files.getLastModifiedTime(dir.resolve(".env"))).isEqualTo(written);

    server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"BROKEN\"");
    assertThat(once(config)).isEqualTo(1);
    assertThat(Files.readString(dir.resolve(".env"))).startsWith("LOG_LEVEL=info");
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0).get("error").asText())
        .startsWith("check failed: '! grep -q BROKEN ");
  }

  @Test
  void withoutTheServerItWorksFromItsCacheAndWithoutACacheItLeavesFilesAlone() throws Exception {
    Path config = config("state");
    assertThat(once(config)).isZero();
    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");
    server.stop();
    Files.delete(dir.resolve(".env"));
    assertThat(once(config)).isZero(); // the cached config of the last run
    assertThat(Files.readString(dir.resolve(".env"))).isEqualTo("LOG_LEVEL=info\nDVR_IP=10.0.0.10\n");

    Files.delete(dir.resolve(".env"));
    assertThat(once(config("fresh-state"))).isEqualTo(3);
    assertThat(Files.exists(dir.resolve(".env"))).isFalse();
    assertThat(Files.readAllLines(dir.resolve("once.log"))).anyMatch(l -> l.contains("no config from the server"));
    server.startAgainOnSamePort();
  }
}
