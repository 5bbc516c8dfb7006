package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.agent.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent config of docs/ansible.md's migration guide is one the agent loads, with the outputs and actions it says. */
class MigrationGuideTest {
  @TempDir Path dir;

  @Test
  void theGuidesAgentConfigLoads() throws Exception {
    String doc = Files.readString(Path.of("../docs/ansible.md"));
    String step = doc.substring(doc.indexOf("**Agent config per host.**"));
    int start = step.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = step.substring(start, step.indexOf("```\n", start)).stripIndent();
    Path token = Files.writeString(dir.resolve("token"), "fc_test\n");
    Path config = Files.writeString(dir.resolve("agent.yaml"), yaml.replace("/etc/fleetconf/token", token.toString())
        .replace("/var/lib/fleetconf-agent", dir.resolve("state").toString()));

    AgentConfig loaded = AgentConfig.load(config);
    assertThat(loaded.deviceId()).isEqualTo("vv-lis-01");
    assertThat(loaded.outputs()).extracting(AgentConfig.Output::name).containsExactly("api_env", "config");
    assertThat(loaded.outputs()).allMatch(AgentConfig.Output::ansibleTemplate);
    assertThat(loaded.actions()).containsOnlyKeys("restart-api");
    assertThat(loaded.ansibleSettings().managed()).contains("Managed by fleetconf");
  }
}
