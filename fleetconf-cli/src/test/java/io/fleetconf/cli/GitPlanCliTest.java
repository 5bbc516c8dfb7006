package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.Key;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.Sealing;
import io.fleetconf.server.git.GitSettings;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetconf git plan} on branches of a real repository, against a real server following its main branch. */
class GitPlanCliTest {
  static final String ANA = "Ana Lima <ana@example.org>";
  @TempDir Path dir;
  TestGit git;
  TestServer server;
  String main;

  @BeforeEach
  void followMain() {
    git = TestGit.create(dir);
    main = git.write(Map.of(
        "global/tv.yaml", "volume: 30\n",
        "groups/site/lisbon/tv.yaml", "volume: 40\n",
        "devices.yaml", "vv-01:\n  groups: [site/lisbon]\nvv-02:\n  groups: [site/lisbon]\n"
            + "vv-03:\n  groups: [site/porto]\n")).commit(ANA, "fleet");
    git.push();
    server = TestServer.on(dir.resolve("data"))
        .withGit(new GitSettings(List.of(new GitSource("fleet", git.url(), "main", "")), Duration.ofMillis(200)))
        .startNow();
    server.put("/api/v1/entries/plain/fleetconf/schemas/tv",
        "{\"properties\": {\"volume\": {\"type\": \"integer\", \"maximum\": 100}}}");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.get("/api/v1/git/sources").json()
        .at("/sources/0/applied").asText()).isEqualTo(main));
  }

  @AfterEach
  void stop() {
    server.close();
    git.close();
  }

  private String branch(String name, Map<String, String> files) {
    git.git("checkout", "-q", "-b", name, "main");
    String commit = git.write(files).commit(ANA, name);
    git.git("checkout", "-q", "main");
    return commit;
  }

  private CliRun plan(String head, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("git", "plan", "--repo", git.workTree().toString(),
        "--base", "main", "--head", head));
    args.addAll(List.of(more));
    return CliRun.fleetconf(server, args.toArray(String[]::new));
  }

  @Test
  void gitPlanOnABranchPrintsTheExactPerDeviceDiffAndWritesNothing() throws Exception {
    String sealed = Sealing.seal(Sealing.parsePublic(server.get("/api/v1/seal/key").json().get("key").asText()),
        Key.parse("devices/vv-01/tv/api_token"), "s3cret-token");
    String louder = branch("louder", Map.of("global/tv.yaml", "volume: 35\n",
        "groups/site/lisbon/tv.yaml", "volume: 40\ncity: Lisbon\n",
        "devices/vv-01/tv.yaml", "api_token: " + sealed + "\n"));
    long revision = server.revision();

    CliRun run = plan("louder");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("plan main (" + main.substring(0, 12) + ") -> louder (" + louder.substring(0, 12)
        + "): 3 change(s), 3 device(s) would change; nothing written\n"
        + "schema: ok\n"
        + "changed (1): vv-01\n"
        + "  + tv/api_token = ********\n"
        + "  + tv/city = Lisbon\n"
        + "changed (1): vv-02\n"
        + "  + tv/city = Lisbon\n"
        + "changed (1): vv-03\n"
        + "  ~ tv/volume: 30 -> 35\n"
        + "devices by group: site/lisbon 2, site/porto 1\n");
    assertThat(server.revision()).isEqualTo(revision);
    CliRun json = plan("louder", "--json");
    assertThat(json.status()).isZero();
    assertThat(json.out()).doesNotContain("s3cret-token");
    var answer = CliRun.JSON.readTree(json.out());
    assertThat(answer.get("valid").asBoolean()).isTrue();
    assertThat(answer.get("head").asText()).isEqualTo(louder);
    assertThat(answer.get("byGroup").toString()).isEqualTo("{\"site/lisbon\":2,\"site/porto\":1}");
    assertThat(answer.get("base").asText()).isEqualTo(main);

    // Offline, from a backup of the same server: the same plan, made by the same dry run in this process.
    server.put("/api/v1/entries/global/dvr/password?secret=true", "\"dvr-s3cret\"");
    Path backup = dir.resolve("fleet.backup");
    assertThat(Main.commandLine().execute("backup", "--data-dir", server.dataDir().toString(), "--to",
        backup.toString())).isZero();
    server.stop();
    CliRun offline = plan("louder", "--backup", backup.toString(), "--master-key-file",
        server.dataDir().resolve("master.key").toString());
    assertThat(offline.status()).as(offline.err()).isZero();
    assertThat(offline.out()).isEqualTo(run.out());
    CliRun noKey = plan("louder", "--backup", backup.toString());
    assertThat(noKey.status()).isEqualTo(1);
    assertThat(noKey.err()).startsWith("fleetconf: cannot read the backup " + backup + ": ")
        .endsWith(" (a backup holding secrets needs --master-key-file)\n");
  }

  @Test
  void gitPlanFailsOnAnInvalidBranchNamingTheFileAndLine() {
    String broken = branch("broken", Map.of("global/tv.yaml", "volume: [\n"));
    CliRun run = plan("broken");
    assertThat(run.status()).isEqualTo(1);
    CliRun json = plan("broken", "--json");
    assertThat(json.status()).isEqualTo(1);
    assertThat(json.out()).contains("\"valid\" : false", "\"file\" : \"global/tv.yaml\"", "\"line\" : 2",
        "\"base\" : \"" + main + "\"");
    assertThat(run.out()).startsWith("invalid: broken (" + broken.substring(0, 12) + "): global/tv.yaml:2: malformed"
        + " YAML at line 2");

    branch("too-loud", Map.of("groups/site/lisbon/tv.yaml", "volume: 400\n"));
    CliRun schema = plan("too-loud");
    assertThat(schema.status()).isEqualTo(1);
    assertThat(schema.out()).contains("schema: refused: the change breaks the schema of namespace 'tv' for 2"
        + " devices");

    branch("plaintext", Map.of("devices/vv-02/tv.yaml", "db_password: hunter2\n"));
    CliRun plaintext = plan("plaintext");
    assertThat(plaintext.status()).isEqualTo(1);
    assertThat(plaintext.out()).isEqualTo("invalid: plaintext (" + git.git("rev-parse", "plaintext").strip()
        .substring(0, 12) + "): devices/vv-02/tv.yaml:1: devices/vv-02/tv/db_password must be sealed, as its name"
        + " marks a secret: commit the ENC[...] that fleetconf seal makes, never the plaintext\n");
  }

  @Test
  void aDryRunNamingACommitIsCheckedAsThatCommitAndARealWriteNamingOneIsRefused() {
    String body = "{\"commit\": \"" + main + "\", \"operations\": [{\"op\": \"put\", \"key\": \"global/tv/volume\","
        + " \"value\": 31}]}";
    assertThat(server.post("/api/v1/changes?dry_run=true", body).json().get("devices").asInt()).isEqualTo(1);
    TestServer.Reply write = server.post("/api/v1/changes", body);
    assertThat(write.status()).isEqualTo(400);
    assertThat(write.json().get("message").asText()).isEqualTo("field 'commit' is for dry runs only (dry_run=true):"
        + " only a git source applies commits");
    assertThat(server.get("/api/v1/entries/global/tv/volume").json().get("value").asInt()).isEqualTo(30);
  }

  @Test
  void aBranchThatChangesNothingFleetconfKeepsPlansNoChange() {
    String docs = branch("docs", Map.of("README.md", "# words\n"));
    CliRun run = plan("docs");
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("plan main (" + main.substring(0, 12) + ") -> docs (" + docs.substring(0, 12)
        + "): no change to anything fleetconf keeps\n");
  }

  @Test
  void sealPrintsAValueOnlyTheServerOpensForThatKeyOnlineAndOffline() throws Exception {
    CliRun key = CliRun.fleetconf(server, "seal", "--print-key");
    assertThat(key.status()).isZero();
    assertThat(key.out()).isEqualTo(server.get("/api/v1/seal/key").json().get("key").asText() + "\n");
    Path keyFile = dir.resolve("seal.pub");
    java.nio.file.Files.writeString(keyFile, key.out());

    CliRun online = CliRun.fleetconf(server, "seal", "devices/vv-01/tv/api_token", "s3cret-token");
    CliRun offline = CliRun.fleetconf(null, "seal", "--key", keyFile.toString(), "--token=unused",
        "devices/vv-01/tv/api_token", "s3cret-token");
    for (CliRun run : List.of(online, offline)) {
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).startsWith("ENC[fc1:").doesNotContain("s3cret");
    }
    String sealed = offline.out().strip();
    String commit = git.write("devices/vv-01/tv.yaml", "api_token: " + sealed + "\n").commit(ANA, "token");
    git.push();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(server.get("/api/v1/git/sources").json()
        .at("/sources/0/applied").asText()).isEqualTo(commit));
    assertThat(server.get("/api/v1/devices/vv-01/config").json().at("/config/tv/api_token").asText())
        .isEqualTo("s3cret-token");

    CliRun wrong = CliRun.fleetconf(server, "seal", "devices/vv-01/tv", "x");
    assertThat(wrong.status()).isEqualTo(1);
    assertThat(wrong.err()).isEqualTo("fleetconf: a sealed value is one top-level key of a namespace file:"
        + " <scope>/<namespace>/<key>, not devices/vv-01/tv\n");
  }
}
