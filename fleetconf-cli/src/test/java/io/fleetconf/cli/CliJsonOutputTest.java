package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 21 item 2: {@code -o json} on every verb, failures included (docs/cli.md). */
class CliJsonOutputTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;
  /** Reads exactly one JSON document: anything after it fails. */
  private static final com.fasterxml.jackson.databind.ObjectReader ONE_DOCUMENT = CliRun.JSON.reader()
      .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  /** Every verb in json mode, in an order that lets each find what it needs; status 0 prints JSON on stdout. */
  private Map<String, Verb> verbs() throws Exception {
    Path env = Files.writeString(dir.resolve("app.env"), "PORT=8080\n");
    Map<String, Verb> verbs = new LinkedHashMap<>();
    verbs.put("server", new Verb(1, "server", "--tls-cert", dir.resolve("cert.pem").toString()));
    verbs.put("device", new Verb(2, "device"));
    verbs.put("device add", new Verb(0, "device", "add", "vv-1", "-g", "site/lisbon"));
    verbs.put("device ls", new Verb(0, "device", "ls"));
    verbs.put("device show", new Verb(0, "device", "show", "vv-1"));
    verbs.put("device set-groups", new Verb(0, "device", "set-groups", "vv-1", "site/porto"));
    verbs.put("kv", new Verb(2, "kv"));
    verbs.put("kv put", new Verb(0, "kv", "put", "global/common/ratio", "1.10", "--type", "json"));
    verbs.put("kv get", new Verb(0, "kv", "get", "global/common/ratio"));
    verbs.put("kv ls", new Verb(0, "kv", "ls", "global"));
    verbs.put("config", new Verb(2, "config"));
    verbs.put("config show", new Verb(0, "config", "show", "--device", "vv-1"));
    verbs.put("history", new Verb(0, "history"));
    verbs.put("diff", new Verb(0, "diff", "0", "2"));
    verbs.put("rollback", new Verb(0, "rollback", "--dry-run", "2"));
    verbs.put("restore", new Verb(0, "restore", "global/common", "--to", "1", "--dry-run"));
    verbs.put("import", new Verb(0, "import", "--scope", "global", "--namespace", "app", env.toString()));
    verbs.put("import ansible", new Verb(1, "import", "ansible", dir.resolve("none.yml").toString()));
    verbs.put("export", new Verb(2, "export"));
    verbs.put("export ansible", new Verb(0, "export", "ansible", "--all", "--to", dir.resolve("inventory").toString()));
    verbs.put("agent", new Verb(1, "agent"));
    verbs.put("agent retry", new Verb(1, "agent", "retry", "--config", dir.resolve("none.yaml").toString()));
    verbs.put("fleet", new Verb(2, "fleet"));
    verbs.put("fleet status", new Verb(0, "fleet", "status"));
    verbs.put("token", new Verb(2, "token"));
    verbs.put("token create", new Verb(0, "token", "create", "--device", "vv-1"));
    verbs.put("token ls", new Verb(0, "token", "ls"));
    verbs.put("token revoke", new Verb(1, "token", "revoke", "tok_none"));
    verbs.put("cert", new Verb(2, "cert"));
    verbs.put("cert ls", new Verb(0, "cert", "ls"));
    verbs.put("cert revoke", new Verb(1, "cert", "revoke", "1234"));
    verbs.put("ca", new Verb(2, "ca"));
    verbs.put("ca init", new Verb(0, "ca", "init", "--data-dir", dir.resolve("ca-data").toString()));
    verbs.put("secrets", new Verb(2, "secrets"));
    verbs.put("secrets rotate-key", new Verb(1, "secrets", "rotate-key", "--data-dir", dir.resolve("none").toString()));
    verbs.put("git", new Verb(2, "git"));
    verbs.put("git status", new Verb(0, "git", "status"));
    verbs.put("git plan", new Verb(1, "git", "plan", "--repo", dir.resolve("none").toString()));
    verbs.put("backup", new Verb(1, "backup", "--data-dir", dir.resolve("none").toString(), "--to",
        dir.resolve("b.db").toString()));
    verbs.put("migrate", new Verb(1, "migrate", "--from", "sqlite:" + dir.resolve("none.db"), "--to", "nope:x"));
    verbs.put("admin-token", new Verb(2, "admin-token"));
    verbs.put("admin-token reset", new Verb(1, "admin-token", "reset", "--data-dir", dir.resolve("none").toString()));
    verbs.put("k8s", new Verb(2, "k8s"));
    verbs.put("k8s sync", new Verb(1, "k8s", "sync", "--config", dir.resolve("none.yaml").toString()));
    verbs.put("log-level", new Verb(0, "log-level"));
    verbs.put("completion", new Verb(2, "completion", "bash"));
    verbs.put("rollout", new Verb(2, "rollout"));
    verbs.put("rollout start", new Verb(1, "rollout", "start", "global/common/x", "1", "--policy", "none-such"));
    verbs.put("rollout status", new Verb(0, "rollout", "status"));
    for (String control : List.of("pause", "resume", "abort", "promote")) {
      verbs.put("rollout " + control, new Verb(1, "rollout", control, "ro_none"));
    }
    verbs.put("seal", new Verb(0, "seal", "global/common/password", "s3cret"));
    verbs.put("kv rm", new Verb(0, "kv", "rm", "global/common/ratio"));
    verbs.put("device rm", new Verb(0, "device", "rm", "vv-1"));
    verbs.put("help", new Verb(0, "help", "kv"));
    return verbs;
  }

  private record Verb(int status, String... args) {}

  @Test
  void everyVerbPrintsOneJsonDocumentOrOneJsonError() throws Exception {
    Map<String, Verb> verbs = verbs();
    List<String> model = ManPages.all(Main.commandLine(), new ArrayList<>()).stream().skip(1)
        .map(command -> command.getCommandSpec().qualifiedName(" ").substring("fleetconf ".length())).toList();
    assertThat(verbs.keySet()).as("a verb without a json case here").containsExactlyInAnyOrderElementsOf(model);
    for (Map.Entry<String, Verb> verb : verbs.entrySet()) {
      List<String> args = new ArrayList<>(List.of(verb.getValue().args()));
      args.add("-o");
      args.add("json");
      CliRun result = run(args.toArray(String[]::new));
      String what = verb.getKey() + ": " + result;
      assertThat(result.status()).as(what).isEqualTo(verb.getValue().status());
      if (result.status() == 0) {
        assertThat(ONE_DOCUMENT.readTree(result.out())).as(what).isNotNull();
        assertThat(result.err()).as(what).isEmpty();
      } else {
        assertThat(result.out()).as(what).isEmpty();
        JsonNode error = CliRun.JSON.readTree(result.err());
        assertThat(error.get("error").isTextual() && error.get("message").isTextual()).as(what).isTrue();
        assertThat(result.err().lines().count()).as(what).isEqualTo(1);
      }
    }
  }

  @Test
  void kvPutGetAndLsPrintTheServersAnswerWithNumbersAsTyped() {
    assertThat(run("-o", "json", "kv", "put", "global/common/ratio", "1.10", "--type", "json").out()).isEqualTo("""
        {
          "revision" : 1,
          "entry" : {
            "key" : "global/common/ratio",
            "scope" : "global",
            "path" : "common/ratio",
            "value" : 1.10,
            "createRevision" : 1,
            "modRevision" : 1,
            "version" : 1
          }
        }
        """);
    assertThat(run("kv", "get", "global/common/ratio", "--output=json").out()).isEqualTo("""
        {
          "key" : "global/common/ratio",
          "scope" : "global",
          "path" : "common/ratio",
          "value" : 1.10,
          "createRevision" : 1,
          "modRevision" : 1,
          "version" : 1
        }
        """);
    assertThat(run("kv", "ls", "global", "-ojson").out()).isEqualTo("""
        {
          "revision" : 1,
          "entries" : [ {
            "key" : "global/common/ratio",
            "scope" : "global",
            "path" : "common/ratio",
            "value" : 1.10,
            "createRevision" : 1,
            "modRevision" : 1,
            "version" : 1
          } ]
        }
        """);
  }

  @Test
  void deviceLsPrintsTheDevices() {
    run("device", "add", "vv-1", "-g", "site/lisbon", "-l", "rack=b2");
    assertThat(run("device", "ls", "--json").out()).isEqualTo("""
        {
          "revision" : 1,
          "devices" : [ {
            "id" : "vv-1",
            "groups" : [ "site/lisbon" ],
            "labels" : {
              "rack" : "b2"
            }
          } ]
        }
        """);
  }

  @Test
  void aRefusedWritePrintsTheServersErrorCodeAndStatus() {
    CliRun refused = run("kv", "put", "global/common/a", "1", "--cas", "7", "-o", "json");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).isEqualTo("{\"error\":\"conflict\",\"message\":\"key 'global/common/a' does not exist;"
        + " expected it at revision 7\",\"status\":409}\n");
    assertThat(server.revision()).isZero();
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExitStatus2() {
    CliRun usage = run("-o", "json", "kv", "get", "--bogus", "global/common/x");
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.out()).isEmpty();
    assertThat(usage.err()).isEqualTo("{\"error\":\"usage\",\"message\":\"Unknown option: '--bogus'\"}\n");
    CliRun badMode = run("kv", "get", "global/common/x", "-o", "yaml");
    assertThat(badMode.status()).isEqualTo(2);
    assertThat(badMode.err()).startsWith("Invalid value for option '--output': 'yaml' is not text or json\n");
  }

  @Test
  void aServerThatIsDownIsAJsonErrorWithExitStatus1() {
    CliRun down = run("kv", "get", "global/common/x", "-o", "json", "--addr=http://127.0.0.1:1",
        "--token=" + server.token());
    assertThat(down.status()).isEqualTo(1);
    assertThat(down.out()).isEmpty();
    assertThat(down.err()).isEqualTo("{\"error\":\"cli\",\"message\":\"cannot connect to http://127.0.0.1:1 (is the"
        + " server running? see --addr / FLEETCONF_ADDR)\"}\n");
  }

  @Test
  void aServerInJsonModeSaysWhereItListensInOneObject() throws Exception {
    List<ServerProcess> started = new ArrayList<>();
    try {
      ServerProcess process = ServerProcess.launched(started, dir.resolve("data"), dir.resolve("server.log"), "-o", "json");
      io.fleetconf.testing.Eventually.eventually(java.time.Duration.ofSeconds(60), () -> "the banner:\n" + process.log(),
          () -> process.log().lines().anyMatch(line -> line.startsWith("{")));
      JsonNode banner = ONE_DOCUMENT.readTree(process.log().lines().filter(line -> line.startsWith("{")).findFirst()
          .orElseThrow());
      assertThat(banner.get("listening").asText()).matches("http://127\\.0\\.0\\.1:[0-9]+");
      assertThat(banner.get("adminToken").asText()).isEqualTo(process.adminToken());
      assertThat(banner.get("store").asText()).isEqualTo("sqlite:" + dir.resolve("data").resolve("fleetconf.db"));
      assertThat(banner.get("caFile").isNull()).isTrue();
    } finally {
      started.forEach(ServerProcess::close);
    }
  }

  @Test
  void helpAndVersionPrintAsJsonInJsonMode() throws Exception {
    JsonNode usage = CliRun.JSON.readTree(run("kv", "get", "--help", "-o", "json").out());
    assertThat(usage.get("usage").asText()).startsWith("Usage: fleetconf kv get ");
    assertThat(CliRun.JSON.readTree(run("help", "kv", "-o", "json").out()).get("usage").asText())
        .startsWith("Usage: fleetconf kv [-hV] [--json] [-o=FORMAT] [COMMAND]\n");
    assertThat(run("--version", "--json").out()).isEqualTo("{\n  \"version\" : \"fleetconf dev\"\n}\n");
  }

  @Test
  void everyVerbPrintsTheVersionNotNothing() {
    assertThat(run("kv", "put", "--version").out()).isEqualTo("fleetconf dev\n");
    assertThat(run("agent", "--version").out()).isEqualTo("fleetconf dev\n");
    assertThat(run("agent", "--version", "-o", "json").out()).isEqualTo("{\n  \"version\" : \"fleetconf dev\"\n}\n");
  }
}
