package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.StoreUrl;
import io.fleetconf.testing.TestDatabases;
import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetconf backup}, {@code restore --backup} and {@code migrate} against real servers: what a
 * server answers after a backup is restored, or after the store moved to PostgreSQL and back, is
 * what it answered before, byte for byte.
 */
class MigrateBackupTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What must read the same before and after: history, entries, devices, a device's config, reports, tokens. */
  private static final List<String> PATHS = List.of("/api/v1/history?limit=1000", "/api/v1/entries?recurse=true",
      "/api/v1/devices", "/api/v1/devices/vv-1/config", "/api/v1/devices/vv-1/reports", "/api/v1/tokens",
      "/api/v1/entries/global/x/y");
  private static final String CONTENTS = "10 change sets (revisions 1..10), 10 changes, 3 entries, 2 devices, 2 tokens,"
      + " 1 report, 0 certificates, 1 setting, 0 last-seen times";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run fleetconf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void aBackupTakenWhileTheServerRunsRestoresToAServerThatAnswersTheSame() throws Exception {
    Path original = dir.resolve("original");
    Path backups = Files.createDirectories(dir.resolve("backups"));
    Path backup = backups.resolve("fleetconf-1.db");
    Path restoredDir = dir.resolve("restored");
    Path restoredStore = restoredDir.resolve("fleetconf.db");
    String admin;
    String fingerprint;
    Map<String, String> before;
    try (TestServer server = TestServer.start(original)) {
      admin = server.token();
      populate(server);
      fingerprint = MasterKey.read(original.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
      before = answers(server.uri(), admin);

      Run backedUp = fleetconf("backup", "--data-dir", original.toString(), "--to", backup.toString());
      assertThat(backedUp.err()).isEmpty();
      assertThat(backedUp.out()).isEqualTo("backed up revision 10 of " + original.resolve("fleetconf.db") + " to "
          + backup + ": " + CONTENTS + "\n" + keyNote("the backup", fingerprint));
      assertThat(backedUp.status()).isZero();
      // The server goes on; the backup stays at the revision it was taken at.
      assertThat(server.put("/api/v1/entries/global/after/backup", "1").status()).isEqualTo(200);

      byte[] taken = Files.readAllBytes(backup);
      Run again = fleetconf("backup", "--data-dir", original.toString(), "--to", backup.toString());
      assertThat(again).isEqualTo(new Run(1, "", "fleetconf: " + backup
          + " already exists; a backup never overwrites a file: choose a new name\n"));
      assertThat(Files.readAllBytes(backup)).isEqualTo(taken);
    }

    Run restored = fleetconf("restore", "--backup", backup.toString(), "--data-dir", restoredDir.toString());
    assertThat(restored).isEqualTo(new Run(0, "restored revision 10 from " + backup + " to " + restoredStore + ": "
        + CONTENTS + "\n" + keyNote("the restored store", fingerprint), ""));
    // The master key is not in the backup: it travels apart.
    Files.copy(original.resolve(FleetServer.MASTER_KEY_FILE), restoredDir.resolve(FleetServer.MASTER_KEY_FILE));
    try (TestServer server = TestServer.start(restoredDir)) {
      assertThat(server.token()).as("the restored store has tokens: no new admin token").isNull();
      assertThat(answers(server.uri(), admin)).isEqualTo(before);
      assertThat(parse(before.get("/api/v1/entries/global/x/y")).get("value").asText()).isEqualTo("hunter2");

      Run whileRunning = fleetconf("restore", "--backup", backup.toString(), "--data-dir", restoredDir.toString(),
          "--force");
      assertThat(whileRunning).isEqualTo(new Run(1, "", "fleetconf: a server is running on " + restoredStore
          + " (SQLite reports the database locked): stop it before restoring\n"));
    }
    Run withoutForce = fleetconf("restore", "--backup", backup.toString(), "--data-dir", restoredDir.toString());
    assertThat(withoutForce).isEqualTo(new Run(1, "", "fleetconf: " + restoredDir
        + " already has a store (fleetconf.db); give --force to replace it (it is kept as fleetconf.db.before-restore)\n"));
    Run forced = fleetconf("restore", "--backup", backup.toString(), "--data-dir", restoredDir.toString(), "--force");
    assertThat(forced).isEqualTo(new Run(0, "restored revision 10 from " + backup + " to " + restoredStore + ": "
        + CONTENTS + "\nthe store it replaced is kept as " + restoredDir.resolve("fleetconf.db.before-restore") + "\n"
        + keyNote("the restored store", fingerprint) + restoredDir.resolve(FleetServer.MASTER_KEY_FILE)
        + " is that key\n", ""));

    // A data directory whose server made a master key of its own is told so: that server would not start.
    Path other = dir.resolve("other");
    try (TestServer server = TestServer.start(other)) {
      assertThat(server.token()).isNotNull();
    }
    String otherKey = MasterKey.read(other.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
    Run wrongKey = fleetconf("restore", "--backup", backup.toString(), "--data-dir", other.toString(), "--force");
    assertThat(wrongKey.status()).isZero();
    assertThat(wrongKey.out()).endsWith(keyNote("the restored store", fingerprint) + "warning: "
        + other.resolve(FleetServer.MASTER_KEY_FILE) + " is master key " + otherKey + ", not " + fingerprint
        + ": a server started with it refuses the store; put the backup's key there or give --master-key-file\n");
  }

  @Test
  void theTwoFormsOfRestoreDoNotMix() {
    Path backup = dir.resolve("b.db");
    assertThat(fleetconf("restore", "global/common", "--to", "3", "--backup", backup.toString(), "--data-dir", "d").err())
        .startsWith("--backup restores a whole store and takes no PREFIX, --to, -m or --dry-run; those restore a subtree"
            + " through the server: restore PREFIX --to REVISION\nUsage: fleetconf restore PREFIX --to REVISION");
    assertThat(fleetconf("restore", "--backup", backup.toString()).err())
        .startsWith("--backup needs --data-dir DIR, the data directory of the stopped server to restore into\n");
    assertThat(fleetconf("restore", "global/common", "--to", "3", "--force").err())
        .startsWith("--data-dir and --force go with --backup FILE; a subtree is restored with: restore PREFIX --to"
            + " REVISION\n");
    Run neither = fleetconf("restore", "global/common");
    assertThat(neither.status()).isEqualTo(2);
    assertThat(neither.err()).startsWith("give PREFIX and --to REVISION to restore a subtree, or --backup FILE"
        + " --data-dir DIR to restore a store\n");
    assertThat(fleetconf("migrate", "--from", "sqlite:a.db", "--to", "sqlite:b.db", "--to-password-file", "pw"))
        .isEqualTo(new Run(1, "", "fleetconf: --to-password-file goes with a PostgreSQL --to\n"));
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void migrateToAnotherSqliteFileKeepsEveryAnswerAndRefusesToCopyTwice() throws Exception {
    Path original = dir.resolve("original");
    Map<String, String> before = stoppedAfterPopulating(original);
    String admin = Files.readString(original.resolve(FleetServer.ADMIN_TOKEN_FILE)).strip();
    String fingerprint = MasterKey.read(original.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
    String from = "sqlite:" + original.resolve("fleetconf.db");
    String to = "sqlite:" + dir.resolve("copy/fleetconf.db");

    assertThat(fleetconf("migrate", "--from", from, "--to", to)).isEqualTo(new Run(0,
        "copied " + CONTENTS + " from " + from + " to " + to + "\n" + keyNote("the target", fingerprint), ""));
    assertThat(servedFrom(StoreUrl.parse(to, Optional.empty()), dir.resolve("copy"), original, admin)).isEqualTo(before);

    Run twice = fleetconf("migrate", "--from", from, "--to", to);
    assertThat(twice).isEqualTo(new Run(1, "", "fleetconf: the target store " + to + " already holds data (" + CONTENTS
        + "); copy only into an empty store: a new SQLite file or an empty PostgreSQL schema\n"));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
  void migrateToPostgresAndBackKeepsEveryAnswerAndTheSecrets() throws Exception {
    Path original = dir.resolve("original");
    Map<String, String> before = stoppedAfterPopulating(original);
    String admin = Files.readString(original.resolve(FleetServer.ADMIN_TOKEN_FILE)).strip();
    String fingerprint = MasterKey.read(original.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
    String sqlite = "sqlite:" + original.resolve("fleetconf.db");
    String postgres = TestDatabases.freshSchema();
    // The test database trusts local connections and ignores it; what matters is that it is never printed.
    String password = "pw-never-printed-" + fingerprint;
    Path passwordFile = Files.writeString(dir.resolve("pg.password"), password + "\n");
    StoreUrl postgresUrl = StoreUrl.parse(postgres, Optional.of(passwordFile));
    String back = "sqlite:" + dir.resolve("back/fleetconf.db");

    Run there = fleetconf("migrate", "--from", sqlite, "--to", postgres, "--to-password-file", passwordFile.toString());
    assertThat(there).isEqualTo(new Run(0, "copied " + CONTENTS + " from " + sqlite + " to " + postgresUrl.display()
        + "\n" + keyNote("the target", fingerprint), ""));
    assertThat(postgresUrl.display()).startsWith("postgresql://postgres:***@");
    assertThat(there.out()).doesNotContain(password);
    assertThat(servedFrom(postgresUrl, dir.resolve("pg-server"), original, admin)).isEqualTo(before);

    Run andBack = fleetconf("migrate", "--from", postgres, "--from-password-file", passwordFile.toString(), "--to", back);
    assertThat(andBack).isEqualTo(new Run(0, "copied " + CONTENTS + " from " + postgresUrl.display() + " to " + back
        + "\n" + keyNote("the target", fingerprint), ""));
    assertThat(servedFrom(StoreUrl.parse(back, Optional.empty()), dir.resolve("back"), original, admin))
        .isEqualTo(before);
  }

  /** Fills a server on {@code dataDir}, stops it (no writes while migrating), and returns its answers. */
  private static Map<String, String> stoppedAfterPopulating(Path dataDir) {
    try (TestServer server = TestServer.start(dataDir)) {
      populate(server);
      return answers(server.uri(), server.token());
    }
  }

  /**
   * Starts a server on {@code store} with the original's master key (it is not in the store), and
   * returns its answers; the admin token of the original works, as its hash was copied.
   */
  private static Map<String, String> servedFrom(StoreUrl store, Path dataDir, Path original, String admin) {
    ServerSettings settings = ServerSettings.of("127.0.0.1", 0, dataDir).withStore(store)
        .withTransport(new ServerSettings.Transport.PlainHttp())
        .withMasterKeyFile(original.resolve(FleetServer.MASTER_KEY_FILE));
    try (FleetServer server = FleetServer.start(settings)) {
      assertThat(server.bootstrapToken()).isEmpty();
      Map<String, String> answers = answers(server.uri(), admin);
      JsonNode secret = parse(answers.get("/api/v1/entries/global/x/y"));
      assertThat(secret.get("value").asText()).isEqualTo("hunter2");
      assertThat(secret.get("secret").asBoolean()).isTrue();
      return answers;
    }
  }

  /**
   * Ten change sets touching every table the API shows: devices, a secret, an override, a rollback,
   * a subtree restore, a device moved, an agent's report and a second token.
   */
  private static void populate(TestServer server) {
    expect(server.post("/api/v1/devices", "{\"id\":\"vv-1\",\"groups\":[\"site/lisbon\"],\"labels\":{\"rack\":\"b2\"}}"), 201);
    expect(server.post("/api/v1/devices", "{\"id\":\"vv-2\",\"groups\":[\"site/porto\"]}"), 201);
    expect(server.put("/api/v1/entries/global/common/log_level?message=start", "\"info\""), 200);
    expect(server.put("/api/v1/entries/groups/site/lisbon/common/log_level", "\"warning\""), 200);
    expect(server.put("/api/v1/entries/devices/vv-1/common/dvr_ip", "\"10.1.0.9\""), 200);
    expect(server.put("/api/v1/entries/global/x/y?secret=true", "\"hunter2\""), 200);
    expect(server.put("/api/v1/entries/global/common/log_level?message=louder", "\"debug\""), 200);
    expect(server.post("/api/v1/rollback", "{\"revision\":7}"), 200);
    expect(server.post("/api/v1/restore", "{\"prefix\":\"groups/site/lisbon\",\"revision\":0}"), 200);
    expect(server.patch("/api/v1/devices/vv-2", "{\"groups\":[\"site/lisbon\"]}"), 200);
    expect(server.post("/api/v1/devices/vv-1/reports",
        "{\"namespace\":\"common\",\"revision\":10,\"hash\":\"abc\",\"status\":\"applied\",\"agentVersion\":\"0.1\"}"), 201);
    expect(server.post("/api/v1/tokens", "{\"identity\":\"auditor\",\"rules\":[\"read fleet/*\",\"read devices\"]}"), 201);
    assertThat(server.revision()).isEqualTo(10);
  }

  private static void expect(TestServer.Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
  }

  /** The raw bodies of {@link #PATHS}, as the admin sees them (secrets in clear). */
  private static Map<String, String> answers(URI server, String token) {
    Map<String, String> answers = new LinkedHashMap<>();
    for (String path : PATHS) {
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server + path))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        answers.put(path, response.body());
      } catch (java.io.IOException e) {
        throw new AssertionError("GET " + path + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    JsonNode history = parse(answers.get("/api/v1/history?limit=1000"));
    assertThat(history.toString()).contains("hunter2");
    return answers;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static String keyNote(String what, String fingerprint) {
    return "secrets in " + what + " are sealed under master key " + fingerprint + ", which is not in it: the server"
        + " needs that key (master.key, --master-key-file or $FLEETCONF_MASTER_KEY)\n";
  }
}
