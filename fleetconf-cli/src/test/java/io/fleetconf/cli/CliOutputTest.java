package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 14 item 26: what the CLI records and prints. */
class CliOutputTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  @Test
  void cliWritesAreRecordedWithSourceCliAndOtherApiWritesWithApi() throws Exception {
    run("kv", "put", "global/common/a", "1");
    run("device", "add", "vv-1");
    assertThat(send("PUT", "/api/v1/entries/global/common/b", null).statusCode()).isEqualTo(200);
    assertThat(run("history").out().lines().skip(1).map(line -> line.split(" +")[3]).toList())
        .isEqualTo(List.of("api", "cli", "cli"));
  }

  @Test
  void aSourceOtherThanApiOrCliIsRefused() throws Exception {
    HttpResponse<String> refused = send("PUT", "/api/v1/entries/global/common/b", "ansible");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(CliRun.JSON.readTree(refused.body())).isEqualTo(CliRun.JSON.readTree("{\"error\":\"invalid_header\","
        + "\"message\":\"header X-Fleetconf-Source must be api, cli or console, was 'ansible'\"}"));
    assertThat(server.revision()).isZero();
  }

  @Test
  void explainListsThePathsInTheOrderOfEnvJsonAndYaml() {
    run("device", "add", "vv-1");
    run("kv", "put", "global/common/zeta", "z");
    run("kv", "put", "global/common/nested", "{\"b\": 1, \"a\": [2]}", "--type", "json");
    run("kv", "put", "devices/vv-1/common/alpha", "a");
    run("kv", "put", "global/common/mid", "m");
    String[] show = {"config", "show", "--device", "vv-1", "--namespace", "common"};
    assertThat(run(show).out()).isEqualTo("""
        {
          "mid" : "m",
          "nested" : {
            "b" : 1,
            "a" : [ 2 ]
          },
          "zeta" : "z",
          "alpha" : "a"
        }
        """);
    assertThat(run(concat(show, "--format", "env")).out()).isEqualTo("MID=m\nNESTED_B=1\nNESTED_A_0=2\nZETA=z\nALPHA=a\n");
    assertThat(run(concat(show, "--explain")).out()).isEqualTo("""
        PATH      VALUE  FROM          REV
        mid       m      global        5
        nested/b  1      global        3
        nested/a  [2]    global        3
        zeta      z      global        2
        alpha     a      devices/vv-1  4
        """);
  }

  private static String[] concat(String[] first, String... more) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void deviceLsShowsTheLabelsDeviceAddSet() {
    run("device", "add", "vv-2", "-g", "site/porto", "-l", "rack=b2", "-l", "floor=1");
    run("device", "add", "vv-1");
    assertThat(run("device", "ls").out()).isEqualTo("""
        ID    GROUPS      LABELS
        vv-1
        vv-2  site/porto  floor=1,rack=b2
        """);
  }

  @Test
  void errorsPrintAsOneJsonObjectOnStderrUnderJson() {
    CliRun missing = run("kv", "get", "global/common/nope", "--json");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).isEqualTo("{\"error\":\"not_found\",\"message\":\"key 'global/common/nope' does not"
        + " exist\",\"status\":404}\n");
    CliRun local = run("kv", "put", "global/common/x", "--json");
    assertThat(local.err()).isEqualTo("{\"error\":\"cli\",\"message\":\"give a VALUE or --file\"}\n");
    CliRun invalid = run("kv", "put", "global/common/x", "1", "--json", "--type", "json", "--file", "/nonexistent");
    assertThat(invalid.err()).startsWith("{\"error\":\"cli\",\"message\":\"cannot read /nonexistent: ");
    CliRun usage = run("kv", "get", "--json", "--bogus", "global/common/x");
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.err()).isEqualTo("{\"error\":\"usage\",\"message\":\"Unknown option: '--bogus'\"}\n");
    assertThat(run("kv", "get", "global/common/nope").err())
        .isEqualTo("fleetconf: key 'global/common/nope' does not exist (404)\n");
  }

  private HttpResponse<String> send(String method, String path, String source) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
        .header("Authorization", "Bearer " + server.token()).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString("1"));
    if (source != null) {
      request.header("X-Fleetconf-Source", source);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
