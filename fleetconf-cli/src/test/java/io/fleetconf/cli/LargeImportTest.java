package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.server.security.Limits;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 23: an import of more keys than {@code --max-operations} (1000 by default) works for
 * an admin, as one atomic change set; an operator without admin is told exactly what to do.
 */
class LargeImportTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.on(dir.resolve("data")).withLimits(Limits.DEFAULT).startNow();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAdminImportsA2500KeyEnvFileAsOneChangeSet() throws Exception {
    Path env = dir.resolve("big.env");
    Files.writeString(env, IntStream.range(0, 2500).mapToObj(i -> "KEY_" + i + "=value " + i)
        .collect(Collectors.joining("\n", "", "\n")));
    CliRun imported = CliRun.fleetconf(server, "import", "--scope", "global", "--namespace", "big", env.toString());
    assertThat(imported.err()).isEmpty();
    assertThat(imported.out()).isEqualTo("revision 1: imported 2500 key(s) into global/big\n");
    JsonNode history = CliRun.JSON.readTree(CliRun.fleetconf(server, "history", "--json").out());
    assertThat(history.get("changeSets")).hasSize(1);
    assertThat(history.get("changeSets").get(0).get("changes")).hasSize(2500);
    assertThat(CliRun.fleetconf(server, "kv", "get", "global/big/key_2499").out()).isEqualTo("value 2499\n");
  }

  @Test
  void anAdminImportsA2500KeyYamlFileAsOneChangeSet() throws Exception {
    Path yaml = dir.resolve("big.yaml");
    Files.writeString(yaml, IntStream.range(0, 2500).mapToObj(i -> "key_" + i + ": " + i)
        .collect(Collectors.joining("\n", "", "\n")));
    assertThat(CliRun.fleetconf(server, "import", "--scope", "global", "--namespace", "big", yaml.toString()).out())
        .isEqualTo("revision 1: imported 2500 key(s) into global/big\n");
    assertThat(CliRun.fleetconf(server, "kv", "ls", "global/big", "--json").out()).contains("global/big/key_2499");
  }

  @Test
  void anOperatorWithoutAdminIsToldToSplitOrUseAnAdminTokenAndNothingIsWritten() throws Exception {
    CliRun created = CliRun.fleetconf(server, "token", "create", "--identity", "ops", "--rule", "write fleet/global/*");
    String token = created.out().strip();
    Path env = dir.resolve("big.env");
    Files.writeString(env, IntStream.range(0, 1001).mapToObj(i -> "KEY_" + i + "=" + i)
        .collect(Collectors.joining("\n", "", "\n")));
    CliRun refused = CliRun.fleetconf(server, "import", "--scope", "global", "--namespace", "big", env.toString(),
        "--addr=" + server.uri(), "--token=" + token);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: a change set holds at most 1000 operations, this one has 1001;"
        + " split it, or send it with an admin token (up to 100000) (413)\n");
    assertThat(CliRun.fleetconf(server, "kv", "ls", "global").out()).isEqualTo("KEY  REV  VALUE\n");
  }
}
