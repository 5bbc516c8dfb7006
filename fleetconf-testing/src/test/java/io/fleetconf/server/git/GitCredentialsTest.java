package io.fleetconf.server.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.git.GitCredentials;
import io.fleetconf.git.GitSource;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.GitHttpServer;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private repository served by the real {@code git http-backend} behind HTTP basic
 * authentication, followed with credentials read from a file: never in the URL, the API or the log.
 */
class GitCredentialsTest {
  static final String PASSWORD = "s3cret-Pa55";
  @TempDir Path dir;
  TestGit git;
  GitHttpServer http;
  TestServer server;

  @BeforeEach
  void repository() {
    git = TestGit.create(dir);
    git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (http != null) {
      http.close();
    }
    git.close();
  }

  TestServer follow(String url, GitCredentials credentials) {
    server = TestServer.on(dir.resolve("data")).withGit(new GitSettings(List.of(new GitSource("fleet", url, "main",
        "")), Duration.ofMillis(200), Map.of("fleet", new GitSettings.Access(credentials, Optional.empty()))))
        .startNow();
    return server;
  }

  Path file(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  String volume() {
    return server.get("/api/v1/entries/global/tv/volume").json().path("value").asText();
  }

  com.fasterxml.jackson.databind.JsonNode source() {
    return server.get("/api/v1/git/sources").json().get("sources").get(0);
  }

  @Test
  void aPrivateRepositoryIsFollowedWithUserAndPasswordFromAFile() throws Exception {
    http = GitHttpServer.start(dir, "bot", PASSWORD);
    follow(http.url("fleet.git"), new GitCredentials.Password(file("git.credentials", "bot:" + PASSWORD + "\n")));

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(volume()).isEqualTo("30"));
    assertThat(source().get("state").asText()).isEqualTo("ok");
    assertThat(source().get("url").asText()).isEqualTo(http.url("fleet.git"));
  }

  @Test
  void aLoneTokenInTheFileIsSentWithTheUserOauth2() throws Exception {
    http = GitHttpServer.start(dir, GitCredentials.Password.TOKEN_USER, "glpat-0123456789");
    follow(http.url("fleet.git"), new GitCredentials.Password(file("git.token", "glpat-0123456789\n")));

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(volume()).isEqualTo("30"));
  }

  @Test
  void wrongCredentialsLeaveTheSourceUnreachableWithoutShowingThemAndARotatedFileIsReadAtTheNextFetch()
      throws Exception {
    http = GitHttpServer.start(dir, "bot", PASSWORD);
    Path credentials = file("git.credentials", "bot:wrong-" + PASSWORD + "\n");
    follow(http.url("fleet.git"), new GitCredentials.Password(credentials));

    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(source().get("state").asText())
        .isEqualTo("unreachable"));
    assertThat(source().get("fetchError").asText()).startsWith("git source fleet=" + http.url("fleet.git")
        + "#main: cannot fetch: ");
    assertThat(http.refused()).isPositive();
    assertThat(server.get("/api/v1/git/sources").body()).doesNotContain(PASSWORD);
    assertThat(server.send("GET", "/api/v1/health", null, null, null).body()).doesNotContain(PASSWORD);
    assertThat(server.revision()).isZero();

    Files.writeString(credentials, "bot:" + PASSWORD + "\n"); // rotated: no restart needed
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(volume()).isEqualTo("30"));
    assertThat(source().get("state").asText()).isEqualTo("ok");
  }

  @Test
  void aCredentialsFileThatCannotBeReadFailsTheStartNamingIt() {
    Path missing = dir.resolve("no-such.credentials");
    assertThatThrownBy(() -> follow(git.url(), new GitCredentials.Password(missing)))
        .hasMessage("credentials file of git source 'fleet' " + missing + " is not a readable file");
    server = null;
  }

  @Test
  void anSshRemoteIsFollowedWithTheSourcesKeyAndKnownHostsOnly() {
    try (TestSshd sshd = TestSshd.start(dir.resolve("sshd"))) {
      follow(sshd.url(dir.resolve("fleet.git")), new GitCredentials.SshKey(sshd.clientKey(), sshd.knownHosts()));

      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(volume()).isEqualTo("30"));
      assertThat(source().get("state").asText()).isEqualTo("ok");
    }
  }

  @Test
  void anSshRemoteWithAnotherHostKeyOrAKeyItDoesNotTakeIsUnreachableAndChangesNothing() {
    try (TestSshd sshd = TestSshd.start(dir.resolve("sshd"))) {
      follow(sshd.url(dir.resolve("fleet.git")), new GitCredentials.SshKey(sshd.clientKey(), sshd.wrongKnownHosts()));
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(source().get("state").asText())
          .isEqualTo("unreachable"));
      // ssh's own reason, read from its standard error whatever JGit failed on first.
      assertThat(source().get("fetchError").asText()).endsWith("(ssh: Host key verification failed.)");
      server.close();

      server = TestServer.on(dir.resolve("data2")).withGit(new GitSettings(List.of(new GitSource("fleet",
          sshd.url(dir.resolve("fleet.git")), "main", "")), Duration.ofMillis(200), Map.of("fleet",
          new GitSettings.Access(new GitCredentials.SshKey(sshd.strangerKey(), sshd.knownHosts()), Optional.empty()))))
          .startNow();
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(source().get("state").asText())
          .isEqualTo("unreachable"));
      assertThat(source().get("fetchError").asText()).endsWith(": Permission denied (publickey).)");
      assertThat(server.revision()).isZero();
    }
  }
}
