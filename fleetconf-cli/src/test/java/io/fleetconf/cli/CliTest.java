package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin verbs, run against a real server over HTTP. */
class CliTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  CliRun fleetconf(String... args) {
    return CliRun.fleetconf(server, args);
  }

  @Test
  void kvPutGetLsRm() {
    assertThat(fleetconf("kv", "put", "global/common/log_level", "info", "-m", "start").out())
        .isEqualTo("revision 1: global/common/log_level\n");
    fleetconf("kv", "put", "global/common/retries", "3", "--type", "json");
    fleetconf("kv", "put", "global/common/zone", "42", "--string");
    assertThat(fleetconf("kv", "get", "global/common/log_level").out()).isEqualTo("info\n");
    assertThat(fleetconf("kv", "get", "global/common/retries", "--json").out()).contains("\"value\" : 3");
    assertThat(fleetconf("kv", "get", "global/common/zone", "--json").out()).contains("\"value\" : \"42\"");
    assertThat(fleetconf("kv", "ls", "global").out()).isEqualTo("""
        KEY                      REV  VALUE
        global/common/log_level  1    info
        global/common/retries    2    3
        global/common/zone       3    42
        """);
    assertThat(fleetconf("kv", "rm", "global/common", "-r", "--yes").out()).isEqualTo("revision 4: deleted 3\n");
    assertThat(fleetconf("kv", "ls").out()).isEqualTo("KEY  REV  VALUE\n");
  }

  @Test
  void kvPutFromAYamlFileAndCompareAndSet() throws Exception {
    Path yaml = dir.resolve("config.yaml");
    Files.writeString(yaml, "timezone: Europe/Lisbon\nrules:\n  - name: news\n");
    fleetconf("kv", "put", "global/tv_scheduler", "--file", yaml.toString());
    assertThat(fleetconf("kv", "get", "global/tv_scheduler").out())
        .isEqualTo("{\"timezone\":\"Europe/Lisbon\",\"rules\":[{\"name\":\"news\"}]}\n");
    CliRun stale = fleetconf("kv", "put", "global/tv_scheduler/timezone", "UTC", "--cas", "5");
    assertThat(stale.status()).isEqualTo(1);
    assertThat(stale.err()).isEqualTo("fleetconf: key 'global/tv_scheduler/timezone' does not exist; "
        + "expected it at revision 5 (409)\n");
  }

  @Test
  void devicesAndEffectiveConfigWithExplain() {
    assertThat(fleetconf("device", "add", "vv-1", "-g", "device_type/rpi4", "-g", "site/lisbon", "-l", "rack=b2")
        .out()).isEqualTo("ID    GROUPS                        LABELS\nvv-1  device_type/rpi4,site/lisbon  rack=b2\n");
    fleetconf("kv", "put", "global/common/log_level", "info");
    fleetconf("kv", "put", "groups/site/lisbon/common/log_level", "warning");
    fleetconf("kv", "put", "devices/vv-1/common/dvr_ip", "10.1.0.9");
    assertThat(fleetconf("config", "show", "--device", "vv-1", "--namespace", "common", "--explain").out())
        .isEqualTo("""
            PATH       VALUE     FROM                REV
            log_level  warning   groups/site/lisbon  3
            dvr_ip     10.1.0.9  devices/vv-1        4
            """);
    assertThat(fleetconf("config", "show", "--device", "vv-1", "--namespace", "common", "--format", "env").out())
        .isEqualTo("LOG_LEVEL=warning\nDVR_IP=10.1.0.9\n");
    assertThat(fleetconf("device", "set-groups", "vv-1", "site/porto").out()).contains("vv-1  site/porto");
    assertThat(fleetconf("config", "show", "--device", "vv-1", "--namespace", "common").out())
        .isEqualTo("{\n  \"log_level\" : \"info\",\n  \"dvr_ip\" : \"10.1.0.9\"\n}\n");
    assertThat(fleetconf("device", "ls").out()).isEqualTo("ID    GROUPS      LABELS\nvv-1  site/porto  rack=b2\n");
    assertThat(fleetconf("device", "show", "vv-1").out()).contains("vv-1  site/porto  rack=b2");
    assertThat(fleetconf("device", "rm", "vv-1").out()).isEqualTo("revision 6: removed vv-1\n");
  }

  @Test
  void historyDiffRollbackRestore() {
    fleetconf("kv", "put", "global/common/log_level", "info", "-m", "first");
    fleetconf("kv", "put", "global/common/log_level", "debug", "-m", "louder");
    String history = fleetconf("history", "global/common").out();
    assertThat(history.lines().toList()).hasSize(3);
    assertThat(history.lines().toList().get(0)).startsWith("REV  TIME").endsWith("MESSAGE");
    assertThat(history.lines().toList().get(1)).startsWith("2 ").endsWith("admin   cli     1        louder");
    assertThat(fleetconf("diff", "1", "2").out()).isEqualTo("~ global/common/log_level: info -> debug\n");
    assertThat(fleetconf("rollback", "2").out()).isEqualTo("revision 3: 1 change(s)\n");
    assertThat(fleetconf("kv", "get", "global/common/log_level").out()).isEqualTo("info\n");
    assertThat(fleetconf("restore", "global/common", "--to", "0").out()).isEqualTo("revision 4: 1 change(s)\n");
    assertThat(fleetconf("restore", "global/common", "--to", "0").out())
        .isEqualTo("nothing to change; still at revision 4\n");
  }

  @Test
  void importEnvAndYamlFilesAsOneChangeSetEach() throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, "# tv_api\nTV_API_PORT=8080\nexport BANNER=\"Bem-vindo – Lisboa\"\n");
    assertThat(fleetconf("import", "--scope", "global", "--namespace", "tv_api", env.toString()).out())
        .isEqualTo("revision 1: imported 2 key(s) into global/tv_api\n");
    assertThat(fleetconf("kv", "get", "global/tv_api/banner").out()).isEqualTo("Bem-vindo – Lisboa\n");
    Path yaml = dir.resolve("self_monitor.yaml");
    Files.writeString(yaml, "cpu_temp_max_c: 75\nalerts:\n  webhook: https://ops.example.org\n");
    fleetconf("import", "--scope", "groups/site/porto", "--namespace", "self_monitor", yaml.toString());
    assertThat(fleetconf("kv", "ls", "groups/site/porto").out()).contains(
        "groups/site/porto/self_monitor/alerts          2    {\"webhook\":\"https://ops.example.org\"}",
        "groups/site/porto/self_monitor/cpu_temp_max_c  2    75");
    Path json = dir.resolve("o.json");
    Files.writeString(json, "{\"max_streams\": 4}");
    fleetconf("import", "--scope", "global", "--namespace", "orchestrator", json.toString());
    assertThat(fleetconf("kv", "get", "global/orchestrator/max_streams").out()).isEqualTo("4\n");
  }

  /** "a/b" was imported as the entry a/b, the member b of the file's own a, which it overrode without a word. */
  @Test
  void importRefusesATopLevelKeyHoldingASlashAndWritesNothing() throws Exception {
    Path yaml = dir.resolve("slash.yaml");
    Files.writeString(yaml, "a: {b: 1, c: 2}\n\"a/b\": 9\n");
    CliRun refused = fleetconf("import", "--scope", "global", "--namespace", "slash", yaml.toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: " + yaml + ": top-level key 'a/b': key path segment has an illegal"
        + " character in segment 'a/b'; allowed are letters, digits, '_', '-' and '.'\n");
    assertThat(server.revision()).isZero();
  }

  @Test
  void importOfEnvFileWithNamesThatDifferOnlyInCaseIsRefusedAndWritesNothing() throws Exception {
    Path env = Files.writeString(dir.resolve("dup.env"), "LOG_LEVEL=upper\nlog_level=lower\n");
    CliRun refused = fleetconf("import", "--scope", "global", "--namespace", "dupenv", env.toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo(
        "fleetconf: malformed .env at line 2: 'log_level' and 'LOG_LEVEL' (line 1) both import as the key log_level\n");
    assertThat(fleetconf("kv", "ls", "global/dupenv").out()).doesNotContain("dupenv");
  }

  @Test
  void errorsAreOneLineAndExitNonZero() {
    CliRun badKey = fleetconf("kv", "put", "global/../x", "1");
    assertThat(badKey.status()).isEqualTo(1);
    assertThat(badKey.err()).isEqualTo("fleetconf: key path '../x' must not contain '..' segments (400)\n");
    CliRun missing = fleetconf("device", "show", "nope");
    assertThat(missing.err()).isEqualTo("fleetconf: device 'nope' is not registered (404)\n");
    CliRun badToken = fleetconf("device", "ls", "--addr=" + server.uri(), "--token", "fc_wrong");
    assertThat(badToken.status()).isEqualTo(1);
    assertThat(badToken.err()).isEqualTo("fleetconf: the bearer token is not valid (401)\n");
    CliRun down = fleetconf("device", "ls", "--addr=http://127.0.0.1:1", "--token", "x");
    assertThat(down.err()).isEqualTo(
        "fleetconf: cannot connect to http://127.0.0.1:1 (is the server running? see --addr / FLEETCONF_ADDR)\n");
    CliRun noFormat = fleetconf("import", "--scope", "global", "--namespace", "x", dir.resolve("file.txt").toString());
    assertThat(noFormat.err()).startsWith("fleetconf: cannot tell the format of");
  }

  @Test
  void addressAndTokenComeFromTheEnvironmentInARealProcess() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.fleetconf.cli.Main", "kv", "put", "global/common/log_level", "info");
    builder.environment().put("FLEETCONF_ADDR", server.uri().toString());
    builder.environment().put("FLEETCONF_TOKEN", server.token());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output).isEqualTo("revision 1: global/common/log_level\n");

    builder.environment().remove("FLEETCONF_TOKEN");
    Process noToken = builder.start();
    String error = new String(noToken.getInputStream().readAllBytes());
    assertThat(noToken.waitFor()).isEqualTo(1);
    assertThat(error).isEqualTo("fleetconf: no token: pass --token or set FLEETCONF_TOKEN\n");
  }
}
