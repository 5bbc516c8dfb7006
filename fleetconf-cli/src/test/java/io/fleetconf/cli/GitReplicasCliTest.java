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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** Two real server processes over one PostgreSQL following one Git source, and one of them killed. */
@EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
@Timeout(180)
class GitReplicasCliTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);
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

  @Test
  void whenTheFollowingServerIsKilledTheOtherTakesOverAndAppliesTheNextCommit() throws Exception {
    git = TestGit.create(dir);
    String first = git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    String store = TestDatabases.freshSchema();
    Path key = dir.resolve("master.key");
    MasterKey.generate().writeNew(key);
    ServerProcess a = start("a", store, key);
    ServerProcess b = start("b", store, key);
    String token = a.adminToken();
    Eventually.eventually(WITHIN, () -> assertThat(List.of(state(a, token), state(b, token)))
        .containsExactlyInAnyOrder("ok", "standby"));
    ServerProcess follower = state(a, token).equals("ok") ? a : b;
    ServerProcess standby = follower == a ? b : a;
    assertThat(run(standby, token, "git", "status").out()).containsPattern(
        "(?m)^fleet\\s+standby\\s+" + first.substring(0, 12) + "\\s");
    CliRun refused = run(standby, token, "kv", "put", "global/tv/volume", "31");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("fleetconf: global/tv/volume is owned by git source 'fleet': change"
        + " global/tv.yaml in its repository instead (409)\n");

    assertThat(follower.kill()).isEqualTo(ServerProcess.KILLED_BY_SIGKILL);
    Eventually.eventually(WITHIN, () -> assertThat(state(standby, token)).isEqualTo("ok"));
    String next = git.write("global/tv.yaml", "volume: 35\n").commit("Rui Sá <rui@example.org>", "louder");
    git.push();
    Eventually.eventually(WITHIN, () -> assertThat(run(standby, token, "kv", "get", "global/tv/volume").out())
        .isEqualTo("35\n"));
    String history = run(standby, token, "history").out();
    assertThat(Pattern.compile("git " + next.substring(0, 12)).matcher(history).results().count()).isEqualTo(1);
    assertThat(Pattern.compile("git " + first.substring(0, 12)).matcher(history).results().count()).isEqualTo(1);
  }

  private ServerProcess start(String name, String store, Path key) throws Exception {
    return ServerProcess.start(servers, dir.resolve(name), dir.resolve(name + ".log"), "--store", store,
        "--master-key-file", key.toString(), "--git-source", "fleet=" + git.url() + "#main", "--git-poll", "200ms");
  }

  private static String state(ServerProcess server, String token) throws Exception {
    var matcher = Pattern.compile("(?m)^fleet\\s+(\\S+)\\s").matcher(run(server, token, "git", "status").out());
    return matcher.find() ? matcher.group(1) : "";
  }

  private static CliRun run(ServerProcess server, String token, String... args) throws Exception {
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--addr=" + server.uri(), "--token=" + token)).toArray(String[]::new);
    return CliRun.fleetconf(null, all);
  }
}
