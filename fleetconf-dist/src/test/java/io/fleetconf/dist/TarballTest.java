package io.fleetconf.dist;

import static io.fleetconf.dist.Packaged.agentConfig;
import static io.fleetconf.dist.Packaged.agentRenders;
import static io.fleetconf.dist.Packaged.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The tarballs, unpacked anywhere: the agent runs from the runtime beside it. */
class TarballTest {
  @RegisterExtension final TestServer server = TestServer.fresh().tls();
  @TempDir Path dir;

  @Test
  void unpackedAgentRunsOnItsOwnRuntimeAndRendersAFile() throws Exception {
    ok("tar", "-xzf", Packaged.file("fleetconf-agent-*-linux-x64.tar.gz").toString(), "-C", dir.toString());
    Path home;
    try (var tops = Files.list(dir)) {
      home = tops.findFirst().orElseThrow();
    }
    assertThat(home.resolve("etc/agent.yaml")).exists();
    assertThat(home.resolve("systemd/fleetconf-agent.service")).exists();
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, agentConfig(server, dir.resolve(".env"), dir.resolve("state")));

    Path java = agentRenders(List.of(home.resolve("bin/fleetconf-agent").toString(), "--config", config.toString()),
        dir.resolve(".env"), dir.resolve("agent.log"));

    assertThat(java).isEqualTo(home.resolve("runtime/bin/java"));
    assertThat(dir.resolve("state/identity/device.crt")).exists(); // it enrolled
  }

  @Test
  void unpackedServerCommandRunsOnItsOwnRuntime() throws Exception {
    ok("tar", "-xzf", Packaged.file("fleetconf-[0-9]*-linux-x64.tar.gz").toString(), "-C", dir.toString());
    Path home = dir.resolve(Packaged.file("fleetconf-[0-9]*-linux-x64.tar.gz").getFileName().toString()
        .replace("-linux-x64.tar.gz", ""));
    assertThat(ok(home.resolve("bin/fleetconf").toString(), "--version")).startsWith("fleetconf ");
    assertThat(home.resolve("etc/server.env")).exists();
    assertThat(home.resolve("systemd/fleetconf-server.service")).exists();
  }
}
