package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  @TempDir Path dir;

  @Test
  void theShippedExampleIsValid() {
    AgentConfig config = AgentConfig.load(Path.of("dist/agent.yaml"));
    assertThat(config.deviceId()).isEqualTo("vv-lis-01");
    assertThat(config.outputs()).extracting(AgentConfig.Output::name).containsExactly("tv_scheduler", "common-env");
    assertThat(config.actions().get("reload-tv-scheduler").health().orElseThrow().url())
        .contains("http://127.0.0.1:8080/health");
    assertThat(config.outputs().get(1).mode()).contains("0600");
  }

  private String load(String yaml) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, yaml);
    try {
      AgentConfig.load(file);
      return "ok";
    } catch (AgentException e) {
      return e.getMessage();
    }
  }

  private static final String BASE = "server: http://127.0.0.1:8585\ndevice_id: vv-1\ntoken: t\nstate_dir: /tmp/s\n";

  /** A relative path or ~ was written relative to the agent's working directory ("/" under systemd), and applied. */
  @Test
  void everyPathSettingMustBeAbsolute() throws Exception {
    String output = "outputs:\n  - {name: t, namespace: tv_api, format: env, destination: /tmp/t.env}\n";
    assertThat(load(BASE + "outputs:\n  - {name: t, namespace: tv_api, format: env, destination: out/t.env}\n"))
        .isEqualTo("agent config: outputs.t.destination must be an absolute path, was 'out/t.env'");
    assertThat(load(BASE + "outputs:\n  - {name: t, namespace: tv_api, template: t.j2, destination: /tmp/t.env}\n"))
        .isEqualTo("agent config: outputs.t.template must be an absolute path, was 't.j2'");
    assertThat(load(BASE + "metrics_file: metrics.prom\n" + output))
        .isEqualTo("agent config: metrics_file must be an absolute path, was 'metrics.prom'");
    assertThat(load(BASE.replace("state_dir: /tmp/s", "state_dir: state") + output))
        .isEqualTo("agent config: state_dir must be an absolute path, was 'state'");
    assertThat(load(BASE + "token_file: ~/token\n" + output))
        .isEqualTo("agent config: token_file must be an absolute path, was '~/token'");
  }

  @Test
  void serversIsAListOfReplicasAndServerStillWorks() throws Exception {
    String outputs = "outputs:\n  - name: a\n    namespace: common\n    format: env\n    destination: /tmp/a\n";
    Path file = dir.resolve("replicas.yaml");
    Files.writeString(file, BASE.replace("server: http://127.0.0.1:8585\n",
        "servers: [http://10.0.0.1:8585, http://10.0.0.2:8585]\n") + outputs);
    assertThat(AgentConfig.load(file).serverUrls()).containsExactly("http://10.0.0.1:8585", "http://10.0.0.2:8585");
    Files.writeString(file, BASE + outputs);
    assertThat(AgentConfig.load(file).serverUrls()).containsExactly("http://127.0.0.1:8585");
    assertThat(load(BASE + "servers: [http://10.0.0.2:8585]\n" + outputs))
        .isEqualTo("agent config: give one of server and servers, not both");
    assertThat(load(BASE.replace("server: http://127.0.0.1:8585\n", "") + outputs))
        .isEqualTo("agent config: server is required");
    assertThat(load(BASE.replace("server: http://127.0.0.1:8585\n", "servers: [ftp://x]\n") + outputs))
        .isEqualTo("agent config: server must be an http(s) URL, was 'ftp://x'");
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertThat(load(BASE)).isEqualTo("agent config: outputs must list at least one file");
    assertThat(load(BASE + "outputs:\n  - name: a\n    namespace: common\n    destination: /tmp/a\n"))
        .isEqualTo("agent config: outputs.a: give exactly one of template and format");
    assertThat(load(BASE + "outputs:\n  - name: a\n    namespace: common\n    format: env\n    destination: /tmp/a\n"
        + "    action: nope\n")).isEqualTo("agent config: outputs.a.action 'nope' is not in actions");
    assertThat(load(BASE + "outputs:\n  - name: a\n    namespace: common\n    format: env\n    destination: /tmp/a\n"
        + "    mode: rw\n")).isEqualTo("agent config: outputs.a.mode must be octal like 0644, was rw");
    assertThat(load(BASE.replace("token: t\n", "") + "outputs: []\n"))
        .isEqualTo("agent config: give a device token (token or token_file) or, for a client certificate,"
            + " enrol_token or enrol_token_file");
    assertThat(load(BASE + "token_file: /tmp/t\noutputs: []\n"))
        .isEqualTo("agent config: give one of token and token_file, not both");
    assertThat(load(BASE + "colour: blue\n")).isEqualTo("cannot read agent config " + dir.resolve("agent.yaml")
        + ": unknown setting colour");
    String action = "outputs:\n  - name: a\n    namespace: common\n    format: env\n    destination: /tmp/a\n"
        + "    action: r\nactions:\n  r:\n    pid: 1\n";
    assertThat(load(BASE + action + "    signal: HUP; rm -rf /tmp/x\n"))
        .isEqualTo("agent config: actions.r.signal must be a signal name like HUP or TERM, or a number, was 'HUP; rm -rf /tmp/x'");
    assertThat(load(BASE + action + "    health:\n      url: 127.0.0.1:8080/health\n"))
        .isEqualTo("agent config: actions.r.health.url must be an http(s) URL, was '127.0.0.1:8080/health'");
    assertThat(load(BASE + action + "    signal: USR1\n    health:\n      url: http://127.0.0.1:8080/health\n"))
        .isEqualTo("ok");
    assertThatThrownBy(() -> AgentConfig.load(dir.resolve("missing.yaml")))
        .hasMessageStartingWith("cannot read agent config " + dir.resolve("missing.yaml"));
  }

  @Test
  void aGitSourceStandsInForTheServerAndItsMistakesAreNamed() throws Exception {
    String outputs = "outputs:\n  - name: a\n    namespace: common\n    format: env\n    destination: /tmp/a\n";
    String base = "device_id: vv-1\nstate_dir: /tmp/s\n" + outputs;
    Path file = dir.resolve("git.yaml");
    Files.writeString(file, base + "git:\n  url: git://127.0.0.1/fleet.git\n  branch: prod\n  path: config\n  poll: 10s\n");
    AgentConfig config = AgentConfig.load(file);
    assertThat(config.gitSource().toString()).isEqualTo("agent=git://127.0.0.1/fleet.git#prod:config");
    assertThat(config.git().orElseThrow().pollTime()).hasSeconds(10);
    assertThat(config.reportFile()).isEqualTo(Path.of("/tmp/s/reports.jsonl"));
    assertThat(load(base + "git:\n  url: /srv/fleet.git\n")).isEqualTo("ok");
    assertThat(load("server: http://127.0.0.1:8585\n" + base + "git:\n  url: /srv/fleet.git\n"))
        .isEqualTo("agent config: give one of server and git, not both");
    assertThat(load("token: t\n" + base + "git:\n  url: /srv/fleet.git\n")).isEqualTo("agent config: git: an agent"
        + " following a repository has no server to give a token to; remove the token settings");
    assertThat(load(base + "git:\n  branch: main\n")).isEqualTo("agent config: git.url is required");
    assertThat(load(base + "git:\n  url: /srv/fleet.git\n  branch: a..b\n"))
        .isEqualTo("agent config: git: source 'agent': 'a..b' is not a branch name");
    assertThat(load(base + "git:\n  url: /srv/fleet.git\n  poll: 0s\n"))
        .isEqualTo("agent config: git.poll must be more than 0, was '0s'");
    assertThat(load(base + "git:\n  url: /srv/fleet.git\n  format: chef\n"))
        .isEqualTo("agent config: git.format must be fleetconf or ansible, was 'chef'");
    assertThat(load(base)).isEqualTo("agent config: server is required");
  }
}
