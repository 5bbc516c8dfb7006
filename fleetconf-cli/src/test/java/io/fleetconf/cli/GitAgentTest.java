package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent process following a repository itself (over {@code git daemon}, no server) beside an
 * agent of a server process that follows the same repository: the same files, byte for byte.
 */
class GitAgentTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90); // three JVMs on a loaded machine
  private static final List<String> OUTPUTS = List.of("tv_scheduler.yaml", "common.env", "channels.txt");
  @TempDir Path dir;
  private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
  private final List<Process> agents = new CopyOnWriteArrayList<>();
  private TestGit git;

  @AfterEach
  void stop() {
    agents.forEach(agent -> {
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
      agent.destroyForcibly();
    });
    servers.forEach(ServerProcess::close);
    if (git != null) {
      git.close();
    }
  }

  /** A repository with all four scopes and a device in two groups, in each of the file formats a namespace may use. */
  private static Map<String, String> repository() {
    return Map.of(
        "devices.yaml", "vv-1:\n  groups: [site/lisbon, type/jetson]\nvv-2:\n  groups: [site/porto]\n",
        "defaults/tv_scheduler.yaml", "volume: 10\nnight_mode: false\nrules:\n  - {name: news, channel: 1}\n",
        "global/tv_scheduler.json", "{\"timezone\": \"Europe/Lisbon\", \"volume\": 30}\n",
        "global/common.env", "DVR_IP=10.0.0.10\nLOG_LEVEL=info\n",
        "groups/site/lisbon/tv_scheduler.yaml", "volume: 35\nchannels: {news: 1, sport: 5}\n",
        "groups/type/jetson/tv_scheduler.yaml", "channels: {sport: 7, kids: 9}\n",
        "groups/type/jetson/common.properties", "log_level=debug\n", // .env keys are read lower-case
        "devices/vv-1/tv_scheduler.yaml", "night_mode: true\n");
  }

  @Test
  void anAgentFollowingTheRepositoryWritesTheSameBytesAsAnAgentOfTheServer() throws Exception {
    git = TestGit.create(dir.resolve("repo"));
    String first = git.write(repository()).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    ServerProcess server = ServerProcess.start(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--git-source", "fleet=" + git.url() + "#main", "--git-poll", "200ms");
    Eventually.eventually(PATIENCE, "vv-1 registered from devices.yaml",
        () -> call(server, "GET", "/api/v1/devices/vv-1", "").statusCode() == 200);
    String token = CliRun.JSON.readTree(call(server, "POST", "/api/v1/tokens",
        "{\"kind\": \"device\", \"device\": \"vv-1\"}").body()).get("token").asText();
    Path template = Files.writeString(dir.resolve("channels.txt.j2"), "# {{ device_id }}\n"
        + "{% for name, channel in tv_scheduler.channels | dictsort %}{{ name }}={{ channel }}\n{% endfor %}"
        + "night={{ tv_scheduler.night_mode }} volume={{ tv_scheduler.volume }}\n");

    Path viaServer = agent("via-server", "server: " + server.uri() + "\ntoken: " + token + "\n", template);
    Path viaGit = agent("via-git", "git:\n  url: " + git.serve() + "\n  branch: main\n  poll: 500ms\n", template);

    String expected = "# vv-1\nkids=9\nnews=1\nsport=7\nnight=true volume=35\n";
    Eventually.eventually(PATIENCE, () -> assertThat(read(viaGit, "channels.txt")).isEqualTo(expected));
    assertThat(read(viaGit, "tv_scheduler.yaml")).isEqualTo("""
        night_mode: true
        rules:
        - name: news
          channel: 1
        volume: 35
        timezone: Europe/Lisbon
        channels:
          news: 1
          sport: 7
          kids: 9
        """);
    assertThat(read(viaGit, "common.env")).isEqualTo("DVR_IP=10.0.0.10\nLOG_LEVEL=debug\n");
    Eventually.eventually(PATIENCE, () -> assertSameFiles(viaServer, viaGit));

    String second = git.write("devices/vv-1/tv_scheduler.yaml", "night_mode: true\nvolume: 50\n")
        .commit("Bob Stone <bob@example.org>", "louder in vv-1");
    git.push();
    Eventually.eventually(PATIENCE, () -> assertThat(read(viaGit, "channels.txt"))
        .isEqualTo(expected.replace("volume=35", "volume=50")));
    Eventually.eventually(PATIENCE, () -> assertSameFiles(viaServer, viaGit));
    Eventually.eventually(PATIENCE, () -> assertThat(reports(viaGit)).anySatisfy(line -> assertThat(line).contains("\"namespace\":\"tv_scheduler\"",
        "\"revision\":2,", "\"status\":\"applied\"", "\"device\":\"vv-1\"", "\"commit\":\"" + second + "\"")));
    assertThat(reports(viaGit)).anySatisfy(line -> assertThat(line).contains("\"revision\":1,",
        "\"commit\":\"" + first + "\""));
  }

  @Test
  void aBrokenCommitIsSkippedByTheAgentAndTheNextGoodOneApplies() throws Exception {
    git = TestGit.create(dir.resolve("repo"));
    git.write(repository()).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    Path template = Files.writeString(dir.resolve("channels.txt.j2"), "volume={{ tv_scheduler.volume }}\n");
    Path home = agent("via-git", "git:\n  url: " + git.url() + "\n  poll: 300ms\n", template);
    Eventually.eventually(PATIENCE, () -> assertThat(read(home, "channels.txt")).isEqualTo("volume=35\n"));

    String broken = git.write("devices/vv-1/tv_scheduler.yaml", "volume: [\n").commit("Bob Stone <bob@example.org>", "oops");
    git.push();
    Eventually.eventually(PATIENCE, () -> assertThat(log(home)).contains("fleetconf-agent: commit " + broken
        + " refused: devices/vv-1/tv_scheduler.yaml:2: malformed YAML at line 2"));
    assertThat(read(home, "channels.txt")).isEqualTo("volume=35\n");

    git.write("devices/vv-1/tv_scheduler.yaml", "volume: 60\n").commit("Bob Stone <bob@example.org>", "fixed");
    git.push();
    Eventually.eventually(PATIENCE, () -> assertThat(read(home, "channels.txt")).isEqualTo("volume=60\n"));
    // the report follows the file
    Eventually.eventually(PATIENCE, () -> assertThat(reports(home)).last().asString()
        .contains("\"revision\":3,", "\"status\":\"applied\""));
  }

  /** Starts an agent process for vv-1 with {@code source} (server or git settings); answers its home directory. */
  private Path agent(String name, String source, Path template) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    StringBuilder config = new StringBuilder(source).append("device_id: vv-1\nstate_dir: ").append(home.resolve("state"))
        .append("\ndebounce: 50ms\noutputs:\n");
    config.append(output("tv_scheduler.yaml", "tv_scheduler", "format: yaml", home));
    config.append(output("common.env", "common", "format: env", home));
    config.append(output("channels.txt", "tv_scheduler", "template: " + template + "\n    template_mode: fleetconf", home));
    Path file = Files.writeString(home.resolve("agent.yaml"), config);
    List<String> command = ChildJvm.command(List.of("-Xmx96m"), Main.class.getName(), "agent", "--config", file.toString());
    agents.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile())
        .start());
    return home;
  }

  private static String output(String name, String namespace, String how, Path home) {
    return "  - name: " + name + "\n    namespace: " + namespace + "\n    " + how + "\n    destination: "
        + home.resolve("out").resolve(name) + "\n";
  }

  /** Fails, to be retried, while a file is missing on either side: the two agents start at their own pace. */
  private static void assertSameFiles(Path one, Path other) throws IOException {
    for (String name : OUTPUTS) {
      Path mine = one.resolve("out").resolve(name);
      Path theirs = other.resolve("out").resolve(name);
      assertThat(mine).as(name).exists();
      assertThat(theirs).as(name).exists();
      assertThat(Files.readAllBytes(mine)).as(name).isEqualTo(Files.readAllBytes(theirs));
    }
  }

  private static String read(Path home, String name) throws IOException {
    Path file = home.resolve("out").resolve(name);
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String log(Path home) throws IOException {
    return Files.readString(home.resolve("agent.log"));
  }

  private static List<String> reports(Path home) throws IOException {
    Path file = home.resolve("state").resolve("reports.jsonl");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private static HttpResponse<String> call(ServerProcess server, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + path))
        .header("Authorization", "Bearer " + server.adminToken()).header("Content-Type", "application/json")
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }
}
