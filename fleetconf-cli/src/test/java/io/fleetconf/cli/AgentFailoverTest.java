package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.agent.Agent;
import io.fleetconf.agent.AgentConfig;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An agent given several servers ({@code servers:}) fetches from and reports to the one that is up. */
class AgentFailoverTest {
  @RegisterExtension final TestServer first = TestServer.fresh();
  @RegisterExtension final TestServer second = TestServer.fresh();
  @TempDir Path dir;

  @Test
  void anAgentReportsToTheSecondServerWhenTheFirstIsDown() throws Exception {
    second.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    second.put("/api/v1/entries/global/tv_api/port", "8080");
    first.stop();
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, "servers:\n  - " + first.uri() + "\n  - " + second.uri() + "\n"
        + "device_id: vv-1\ntoken: " + second.token() + "\nstate_dir: " + dir.resolve("state") + "\n"
        + "outputs:\n  - name: env\n    namespace: tv_api\n    format: env\n    destination: "
        + dir.resolve("tv_api.env") + "\n");

    assertThat(Agent.once(AgentConfig.load(config))).isEqualTo(Agent.Result.APPLIED);

    assertThat(Files.readString(dir.resolve("tv_api.env"))).isEqualTo("PORT=8080\n");
    var reports = second.get("/api/v1/devices/vv-1/reports").json().get("reports");
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).get("revision").asLong()).isEqualTo(second.revision());
  }
}
