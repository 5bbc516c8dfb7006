package io.fleetconf.dist;

import static io.fleetconf.dist.Packaged.agentConfig;
import static io.fleetconf.dist.Packaged.agentRenders;
import static io.fleetconf.dist.Packaged.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * The packaged CLI's client verbs start from the AOT cache made at build time, unpacked elsewhere than
   * where it was made, and the cache holds the path of an answer: its training run called a real server.
   */
  @Test
  void unpackedClientVerbsStartFromTheCacheTrainedOnRealAnswers() throws Exception {
    Path tarball = Packaged.file("fleetconf-[0-9]*-linux-x64.tar.gz");
    ok("tar", "-xzf", tarball.toString(), "-C", dir.toString());
    Path home = dir.resolve(tarball.getFileName().toString().replace("-linux-x64.tar.gz", ""));
    Path classes = dir.resolve("classes.log");
    List<String> connection = List.of("--addr", server.uri().toString(), "--token", server.token(),
        "--ca-file", server.caFile().toString());
    List<String> put = new ArrayList<>(List.of(home.resolve("bin/fleetconf").toString(), "kv", "put",
        "global/packaged/key", "value"));
    put.addAll(connection);
    ok(put.toArray(String[]::new));

    List<String> get = new ArrayList<>(List.of(home.resolve("bin/fleetconf").toString(), "kv", "get",
        "global/packaged/key"));
    get.addAll(connection);
    ProcessBuilder logged = new ProcessBuilder(get).redirectErrorStream(true);
    logged.environment().put("JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + classes);
    Process reading = logged.start();
    String output = new String(reading.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(reading.waitFor()).as(output).isZero();
    assertThat(output).endsWith("value\n");
    assertThat(Files.readString(classes))
        .contains("io.fleetconf.cli.Main source: shared objects file")
        .contains("io.fleetconf.cli.ApiClient$Reply source: shared objects file")
        .contains("sun.security.ssl.SSLSocketImpl source: shared objects file")
        .as("a security provider the runtime lacks, looked up over the class path, starts Bouncy Castle's")
        .doesNotContain("org.bouncycastle.");
  }
}
