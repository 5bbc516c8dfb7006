package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.server.FleetServer;
import io.fleetconf.store.MasterKey;
import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security verbs against a real HTTPS server: tokens, secrets and the master key, the CA. */
class SecurityCliTest {
  @TempDir Path dir;
  TestServer server;

  record Run(int status, String out, String err) {}

  @BeforeEach
  void start() {
    server = TestServer.startTls(dir.resolve("data"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Run fleetconf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    if (!List.of("ca", "secrets").contains(args[0])) {
      all.add("--addr=" + server.uri());
      if (all.stream().noneMatch(arg -> arg.startsWith("--ca-file"))) {
        all.add("--ca-file=" + server.caFile());
      }
      if (all.stream().noneMatch(arg -> arg.startsWith("--token"))) {
        all.add("--token=" + server.token());
      }
    }
    int status = commandLine.execute(all.toArray(String[]::new));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void tokensAreCreatedListedScopedAndRevoked() {
    Run created = fleetconf("token", "create", "--identity", "lisbon-ops", "--rule", "write fleet/groups/site/lisbon/*");
    assertThat(created.status()).isZero();
    String token = created.out().strip();
    assertThat(created.err()).startsWith("created operator token tok_").endsWith(" for lisbon-ops; the secret above is shown only now\n");
    String id = created.err().split(" ")[3];

    assertThat(fleetconf("kv", "put", "groups/site/lisbon/common/x", "1", "--token=" + token).status()).isZero();
    Run outside = fleetconf("kv", "put", "global/common/x", "1", "--token=" + token);
    assertThat(outside.status()).isEqualTo(1);
    assertThat(outside.err()).isEqualTo("fleetconf: token 'lisbon-ops' (" + id + ") may not write fleet/global/common/x (403)\n");
    assertThat(fleetconf("history", "--json").out()).contains("\"author\" : \"lisbon-ops\"");

    assertThat(fleetconf("token", "ls").out()).contains(id + "  operator  lisbon-ops  live   write fleet/groups/site/lisbon/*");
    assertThat(fleetconf("token", "revoke", id).out()).isEqualTo("revoked " + id + " (lisbon-ops)\n");
    assertThat(fleetconf("kv", "get", "groups/site/lisbon/common/x", "--token=" + token).err())
        .isEqualTo("fleetconf: the bearer token is revoked (401)\n");
    assertThat(fleetconf("token", "create", "--identity", "x", "--rule", "delete everything").err())
        .startsWith("fleetconf: rule 'delete everything' is not one of: admin,");
    assertThat(fleetconf("kv", "get", "global/common/x", "--ca-file=" + dir.resolve("data/tls/server.crt")).status())
        .isEqualTo(1);
  }

  @Test
  void theMasterKeyRotatesUnderARunningServerAndTheOldKeyNoLongerOpensTheSecrets() throws Exception {
    echoSecret();
    Path data = dir.resolve("data");
    String before = MasterKey.read(data.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
    Path old = dir.resolve("old.key");
    Files.copy(data.resolve(FleetServer.MASTER_KEY_FILE), old);

    Run rotated = fleetconf("secrets", "rotate-key", "--data-dir", data.toString());
    assertThat(rotated.status()).as(rotated.err()).isZero();
    String after = MasterKey.read(data.resolve(FleetServer.MASTER_KEY_FILE)).fingerprint();
    assertThat(after).isNotEqualTo(before);
    assertThat(rotated.out()).startsWith("the data key is now wrapped by master key " + after + " (was " + before + ")\n");
    // The running server holds the data key: it goes on serving and storing secrets.
    assertThat(fleetconf("kv", "get", "global/dvr/password").out()).isEqualTo("s3cret\n");
    assertThat(fleetconf("kv", "put", "global/dvr/user", "admin", "--secret").status()).isZero();

    server.restart(); // with data/master.key, the new key
    assertThat(fleetconf("kv", "get", "global/dvr/password").out()).isEqualTo("s3cret\n");
    Run wrong = fleetconf("secrets", "rotate-key", "--data-dir", data.toString(), "--master-key-file", old.toString(),
        "--new-key-file", dir.resolve("another.key").toString());
    assertThat(wrong.err()).isEqualTo("fleetconf: the master key given (fingerprint " + before
        + ") is not the one that wrapped this store's data key (fingerprint " + after + ")\n");
  }

  private void echoSecret() {
    assertThat(fleetconf("kv", "put", "global/dvr/password", "s3cret", "--secret").status()).isZero();
    Run masked = fleetconf("history", "global/dvr", "--json");
    assertThat(masked.out()).contains("s3cret"); // the admin may read secrets
  }

  @Test
  void caInitMakesAKeyOnlyItsOwnerReadsAndRefusesToOverwrite() throws Exception {
    Path data = dir.resolve("fresh");
    Run init = fleetconf("ca", "init", "--data-dir", data.toString());
    assertThat(init.status()).isZero();
    assertThat(Files.getPosixFilePermissions(data.resolve("ca/ca.key"))).hasToString("[OWNER_READ, OWNER_WRITE]");
    assertThat(Files.readString(data.resolve("ca/ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(fleetconf("ca", "init", "--data-dir", data.toString()).err())
        .isEqualTo("fleetconf: a CA already exists in " + data.resolve("ca") + "; remove it first to make a new one\n");
  }
}
