package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestDatabases;
import io.fleetconf.testing.TestGit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** A real server process started with --git-source, and the fleetconf command against it. */
class GitCliTest {
  private static final Duration REPLICAS_WITHIN = Duration.ofSeconds(30);
  @TempDir Path dir;
  private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
  private TestGit git;

  @AfterEach
  void stop() {
    servers.forEach(ServerProcess::close);
    if (git != null) {
      git.close();
    }
  }

  private static CliRun run(ServerProcess server, String... args) throws Exception {
    return runAs(server, server.adminToken(), args);
  }

  private static CliRun runAs(ServerProcess server, String token, String... args) throws Exception {
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--addr=" + server.uri(), "--token=" + token)).toArray(String[]::new);
    return CliRun.fleetconf(null, all);
  }

  @Test
  void theCliIsRefusedAnOwnedKeyAndShowsTheSourceAndTheCommitsInHistory() throws Exception {
    git = TestGit.create(dir);
    String first = git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    ServerProcess server = ServerProcess.start(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--git-source", "fleet=" + git.url() + "#main", "--git-poll", "200ms");
    Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(run(server, "git", "status").out())
        .contains("fleet   ok     " + first.substring(0, 12)));

    CliRun put = run(server, "kv", "put", "global/tv/volume", "31");
    assertThat(put.status()).isEqualTo(1);
    assertThat(put.err()).isEqualTo("fleetconf: global/tv/volume is owned by git source 'fleet': change global/tv.yaml"
        + " in its repository instead (409)\n");
    assertThat(run(server, "kv", "put", "global/other/x", "1").status()).isZero();

    String broken = git.write("global/tv.yaml", "volume: [\n").commit("Bob Stone <bob@example.org>", "broken");
    git.push();
    Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(run(server, "git", "status").out())
        .contains("fleet " + broken.substring(0, 12) + " refused: global/tv.yaml:2: malformed YAML at line 2"));
    assertThat(run(server, "git", "status").out()).contains("fleet   failed  " + first.substring(0, 12));
    assertThat(run(server, "history").out()).containsPattern(
        "Ana Lima <ana@example.org>\\s+git " + first.substring(0, 12) + "\\s+1\\s+fleet \\(first sync");
    assertThat(server.log()).contains("following git source fleet=" + git.url() + "#main every 200ms");
  }

  @Test
  void aMalformedGitSourceIsRefusedAtStartNamingTheOption() throws Exception {
    ServerProcess refused = ServerProcess.refusedStart(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--git-source", "https://bot:s3cret@git.example/fleet.git");
    assertThat(refused.exitValue()).isEqualTo(1);
    assertThat(refused.log()).contains("fleetconf: --git-source: git source 'https://***@git.example/fleet.git'"
        + " must be NAME=URL[#branch][:path]").doesNotContain("s3cret");
  }

  @Test
  void theServerFetchesWithCredentialsAndTakesWebhooksSignedWithSecretsFromFilesAndLogsNeither() throws Exception {
    String password = "pw-" + java.util.UUID.randomUUID();
    String secret = "hook-" + java.util.UUID.randomUUID();
    git = TestGit.create(dir);
    String first = git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    java.nio.file.Files.writeString(dir.resolve("git.credentials"), "bot:" + password + "\n");
    java.nio.file.Files.writeString(dir.resolve("hook.secret"), secret + "\n");
    try (io.fleetconf.testing.GitHttpServer http = io.fleetconf.testing.GitHttpServer.start(dir, "bot", password)) {
      ServerProcess server = ServerProcess.start(servers, dir.resolve("data"), dir.resolve("server.log"),
          "--git-source", "fleet=" + http.url("fleet.git"), "--git-poll", "1h",
          "--git-credentials", "fleet=" + dir.resolve("git.credentials"),
          "--git-webhook-secret", "fleet=" + dir.resolve("hook.secret"));
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(run(server, "git", "status").out())
          .contains("fleet   ok     " + first.substring(0, 12)));

      String louder = git.write("global/tv.yaml", "volume: 35\n").commit("Bob Stone <bob@example.org>", "louder");
      git.push();
      String body = "{\"ref\": \"refs/heads/main\"}";
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "HmacSHA256"));
      var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(server.uri() + "/api/v1/git/sources/fleet/webhook"))
          .header("X-GitHub-Event", "push").header("X-Hub-Signature-256", "sha256="
              + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(run(server, "git", "status").out())
          .contains("fleet   ok     " + louder.substring(0, 12)));
      assertThat(server.log()).doesNotContain(password).doesNotContain(secret);
    }
  }

  @Test
  void anSshKeyWithoutKnownHostsIsRefusedAtStartNamingBothOptions() throws Exception {
    ServerProcess refused = ServerProcess.refusedStart(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--git-source", "fleet=ssh://git@git.example/fleet.git", "--git-ssh-key", "fleet=" + dir.resolve("id"));
    assertThat(refused.exitValue()).isEqualTo(1);
    assertThat(refused.log()).contains(
        "fleetconf: git source 'fleet': give both --git-ssh-key and --git-known-hosts, or neither");
  }

  /** Two real server processes over one PostgreSQL following one source, and one of them killed. */
  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  @org.junit.jupiter.api.Timeout(180)
  void whenTheFollowingServerIsKilledTheOtherTakesOverAndAppliesTheNextCommit() throws Exception {
    git = TestGit.create(dir);
    String first = git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    String store = TestDatabases.freshSchema();
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    ServerProcess a = startReplica("a", store, key);
    ServerProcess b = startReplica("b", store, key);
    String token = a.adminToken();
    Eventually.eventually(REPLICAS_WITHIN, () -> assertThat(List.of(state(a, token), state(b, token)))
        .containsExactlyInAnyOrder("ok", "standby"));
    ServerProcess follower = state(a, token).equals("ok") ? a : b;
    ServerProcess standby = follower == a ? b : a;
    assertThat(runAs(standby, token, "git", "status").out()).containsPattern(
        "(?m)^fleet\\s+standby\\s+" + first.substring(0, 12) + "\\s");
    CliRun refused = runAs(standby, token, "kv", "put", "global/tv/volume", "31");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: global/tv/volume is owned by git source 'fleet': change"
        + " global/tv.yaml in its repository instead (409)\n");

    assertThat(follower.kill()).isEqualTo(ServerProcess.KILLED_BY_SIGKILL);
    Eventually.eventually(REPLICAS_WITHIN, () -> assertThat(state(standby, token)).isEqualTo("ok"));
    String next = git.write("global/tv.yaml", "volume: 35\n").commit("Rui Sá <rui@example.org>", "louder");
    git.push();
    Eventually.eventually(REPLICAS_WITHIN, () -> assertThat(runAs(standby, token, "kv", "get", "global/tv/volume").out())
        .isEqualTo("35\n"));
    String history = runAs(standby, token, "history").out();
    assertThat(Pattern.compile("git " + next.substring(0, 12)).matcher(history).results().count()).isEqualTo(1);
    assertThat(Pattern.compile("git " + first.substring(0, 12)).matcher(history).results().count()).isEqualTo(1);
  }

  private ServerProcess startReplica(String name, String store, Path key) throws Exception {
    return ServerProcess.start(servers, dir.resolve(name), dir.resolve(name + ".log"), "--store", store,
        "--master-key-file", key.toString(), "--git-source", "fleet=" + git.url() + "#main", "--git-poll", "200ms");
  }

  private static String state(ServerProcess server, String token) throws Exception {
    var matcher = Pattern.compile("(?m)^fleet\\s+(\\S+)\\s").matcher(runAs(server, token, "git", "status").out());
    return matcher.find() ? matcher.group(1) : "";
  }
}
