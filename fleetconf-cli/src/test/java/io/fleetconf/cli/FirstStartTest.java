package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.store.MasterKey;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import io.fleetconf.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of a first start, on real server processes: the admin token and the master key reach
 * the disk whole before the store depends on them, and a lost admin token has an offline way back.
 */
class FirstStartTest {
  @TempDir Path dir;
  private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void killServers() {
    servers.forEach(ServerProcess::close);
  }

  @Test
  void anAdminTokenThatCannotBeWrittenIsNeverStoredAndTheNextStartMakesOne() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("admin.token/x"));

    ServerProcess refused = ServerProcess.refusedStart(servers, data, dir.resolve("refused.log"));
    assertThat(refused.exitValue()).as(refused.log()).isEqualTo(1);
    assertThat(refused.log()).contains("fleetconf: cannot write the admin token to " + data.resolve("admin.token")
        + " (Is a directory); no admin token was stored: fix this and start again");
    try (Store store = new StoreUrl.Sqlite(data.resolve("fleetconf.db")).open(Clock.systemUTC())) {
      assertThat(store.tokens()).as("a token nobody has").isEmpty();
    }

    Files.delete(data.resolve("admin.token/x"));
    Files.delete(data.resolve("admin.token"));
    ServerProcess server = ServerProcess.start(servers, data, dir.resolve("second.log"));
    assertThat(server.log()).contains("admin token (shown once; also in " + data.resolve("admin.token") + "):");
    assertThat(Files.getPosixFilePermissions(data.resolve("admin.token")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(status(server.uri(), server.adminToken())).isEqualTo(200);
  }

  @Test
  void adminTokenResetMakesANewTokenOfflineAndRevokesTheLostOne() throws Exception {
    Path data = dir.resolve("data");
    ServerProcess first = ServerProcess.start(servers, data, dir.resolve("first.log"));
    String lost = first.adminToken();
    String operator = operatorToken(first.uri(), lost);
    first.kill();
    Files.delete(data.resolve("admin.token"));

    Run reset = fleetconf("admin-token", "reset", "--data-dir", data.toString());
    assertThat(reset.status()).as(reset.err()).isZero();
    assertThat(reset.out()).isEqualTo("revoked 1 earlier admin token\nthe new admin token is in "
        + data.resolve("admin.token") + "\n");
    assertThat(Files.getPosixFilePermissions(data.resolve("admin.token")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    ServerProcess again = ServerProcess.start(servers, data, dir.resolve("again.log"));
    assertThat(again.log()).contains("admin token: the one created on first start");
    assertThat(status(again.uri(), again.adminToken())).isEqualTo(200);
    assertThat(status(again.uri(), lost)).isEqualTo(401);
    assertThat(status(again.uri(), operator)).as("other tokens stay").isEqualTo(200);
  }

  @Test
  void adminTokenResetOnADataDirectoryWithoutAStoreSaysSo() {
    Run reset = fleetconf("admin-token", "reset", "--data-dir", dir.resolve("nowhere").toString());
    assertThat(reset.status()).isEqualTo(1);
    assertThat(reset.err()).isEqualTo("fleetconf: no store at " + dir.resolve("nowhere/fleetconf.db")
        + ": give the server's --data-dir (or --store)\n");
    assertThat(dir.resolve("nowhere")).doesNotExist();
  }

  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  void adminTokenResetWorksOnPostgres() throws Exception {
    String url = TestDatabases.freshSchema();
    Path data = dir.resolve("data");
    ServerProcess first = ServerProcess.start(servers, data, dir.resolve("first.log"), "--store", url);
    String lost = first.adminToken();
    first.kill();

    Run reset = fleetconf("admin-token", "reset", "--data-dir", data.toString(), "--store", url);
    assertThat(reset.status()).as(reset.err()).isZero();
    assertThat(reset.out()).startsWith("revoked 1 earlier admin token\n");
    try (Store store = StoreUrl.parse(url, Optional.empty()).open(Clock.systemUTC())) {
      assertThat(store.tokens()).hasSize(2);
    }
    ServerProcess again = ServerProcess.start(servers, data, dir.resolve("again.log"), "--store", url);
    assertThat(status(again.uri(), again.adminToken())).isEqualTo(200);
    assertThat(status(again.uri(), lost)).isEqualTo(401);
  }

  @Test
  void aMasterKeyLeftEmptyByACrashBeforeAnySecretDependsOnItIsMadeAgain() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.createFile(data.resolve("master.key"));

    ServerProcess server = ServerProcess.start(servers, data, dir.resolve("server.log"));
    Path key = data.resolve("master.key");
    assertThat(Files.size(key)).isEqualTo(45); // base64 of 32 bytes and a newline
    assertThat(MasterKey.read(key).fingerprint()).hasSize(16);
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(status(server.uri(), server.adminToken())).isEqualTo(200);
  }

  @Test
  void anEmptyMasterKeyThatTheStoreDependsOnIsAStartErrorNamingTheFile() throws Exception {
    Path data = dir.resolve("data");
    ServerProcess.start(servers, data, dir.resolve("first.log")).kill();
    Files.write(data.resolve("master.key"), new byte[0]);

    ServerProcess refused = ServerProcess.refusedStart(servers, data, dir.resolve("refused.log"));
    assertThat(refused.exitValue()).as(refused.log()).isEqualTo(1);
    assertThat(refused.log()).contains("fleetconf: the master key file " + data.resolve("master.key")
        + " is empty (cut short by a crash while it was made?); put back the copy you kept, see docs/operations.md");
    assertThat(Files.size(data.resolve("master.key"))).as("left for the operator").isZero();
  }

  private record Run(int status, String out, String err) {}

  private static Run fleetconf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  /** The status of listing the tokens with {@code token}. */
  private static int status(URI server, String token) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(server.resolve("/api/v1/tokens"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  private static String operatorToken(URI server, String admin) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      String body = client.send(HttpRequest.newBuilder(server.resolve("/api/v1/tokens"))
          .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"identity\": \"ops\", \"rules\": [\"admin\"]}")).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("token").asText();
    }
  }
}
