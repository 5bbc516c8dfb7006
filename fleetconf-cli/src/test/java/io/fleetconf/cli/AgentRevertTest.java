package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mode of the files the agent keeps: what a failed health check puts back has the mode it had,
 * and a file whose bytes are already right gets the mode it must have. Real agent processes
 * ({@code fleetconf agent --once}), a real server.
 */
class AgentRevertTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  @BeforeEach
  void device() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    server.put("/api/v1/entries/global/app/x", "1");
    Files.writeString(dir.resolve("healthy"), "");
  }

  private void config(String mode) throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "server: " + server.uri() + "\ndevice_id: vv-1\n"
        + "token: " + server.token() + "\nstate_dir: " + dir.resolve("state") + "\n"
        + "outputs:\n  - name: app\n    namespace: app\n    format: env\n    destination: " + dir.resolve("app.env")
        + "\n    mode: \"" + mode + "\"\n    action: reload\n"
        + "actions:\n  reload:\n    command: \"true\"\n"
        + "    health:\n      command: test -f " + dir.resolve("healthy") + "\n      delay: 0s\n      retries: 0\n");
  }

  private int once() throws Exception {
    List<String> command = ChildJvm.command(List.of("-Xmx96m"), Main.class.getName(),
        "agent", "--once", "--config", dir.resolve("agent.yaml").toString());
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile())
        .start().waitFor();
  }

  private String mode() throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.env")));
  }

  private String file() throws Exception {
    return Files.readString(dir.resolve("app.env"));
  }

  private String status() {
    return server.get("/api/v1/devices/vv-1/reports").json().get("reports").get(0).get("status").asText();
  }

  @Test
  void revertRestoresASecretFileWithOwnerOnlyMode() throws Exception {
    config("0644");
    server.put("/api/v1/entries/global/app/pw?secret=true", "\"TopSecret\"");
    assertThat(once()).isZero();
    assertThat(file()).isEqualTo("PW=TopSecret\nX=1\n");
    assertThat(mode()).isEqualTo("rw-------");

    server.delete("/api/v1/entries/global/app/pw"); // the new content holds no secret, and makes the service unhealthy
    Files.delete(dir.resolve("healthy"));
    assertThat(once()).isEqualTo(2);
    assertThat(status()).isEqualTo("rolled_back");
    assertThat(file()).isEqualTo("PW=TopSecret\nX=1\n");
    assertThat(mode()).isEqualTo("rw-------");
  }

  /** The bytes were right, so nothing was looked at: a secret Ansible had left 0644 stayed so, reported applied. */
  @Test
  void aFileWhoseBytesAreRightGetsTheModeItMustHave() throws Exception {
    config("0644");
    server.put("/api/v1/entries/global/app/pw?secret=true", "\"TopSecret\"");
    Files.writeString(dir.resolve("app.env"), "PW=TopSecret\nX=1\n"); // as another tool wrote it
    Files.setPosixFilePermissions(dir.resolve("app.env"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(once()).isZero();
    assertThat(file()).isEqualTo("PW=TopSecret\nX=1\n");
    assertThat(mode()).isEqualTo("rw-------");

    server.delete("/api/v1/entries/global/app/pw");
    config("0640");
    assertThat(once()).isZero();
    assertThat(mode()).isEqualTo("rw-r-----");
    config("0600"); // tightened in the config, the bytes unchanged
    assertThat(once()).isZero();
    assertThat(file()).isEqualTo("X=1\n");
    assertThat(mode()).isEqualTo("rw-------");
  }

  @Test
  void revertRestoresAFileWithoutSecretsWithItsConfiguredMode() throws Exception {
    config("0640");
    assertThat(once()).isZero();
    assertThat(mode()).isEqualTo("rw-r-----");

    server.put("/api/v1/entries/global/app/x", "2");
    Files.delete(dir.resolve("healthy"));
    assertThat(once()).isEqualTo(2);
    assertThat(status()).isEqualTo("rolled_back");
    assertThat(file()).isEqualTo("X=1\n");
    assertThat(mode()).isEqualTo("rw-r-----");
  }
}
