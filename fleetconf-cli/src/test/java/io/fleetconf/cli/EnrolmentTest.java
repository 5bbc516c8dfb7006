package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.client.Credentials;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device enrols for a client certificate with a one-time token, as a real agent process over
 * HTTPS: the key is made on the device, the token works once, and a revoked certificate is refused.
 */
class EnrolmentTest {
  // Certificates live 2 minutes (and 5 of clock-skew margin before): due for renewal from the start.
  @RegisterExtension final TestServer server = TestServer.fresh().tls().withCertificateValidity(Duration.ofMinutes(2));
  @TempDir Path dir;

  @BeforeEach
  void device() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/tv_api/port", "8080");
    server.put("/api/v1/entries/groups/site/lisbon/tv_api/hmac_key?secret=true", "\"k-3f9a1c\"");
  }

  @Test
  void anAgentEnrolsOnceWithItsOwnKeyAndARevokedCertificateIsRefused() throws Exception {
    String token = cli("token", "create", "--enrol", "vv-1", "--ttl", "10m").strip();
    assertThat(token).startsWith("fc_");

    Path first = agentConfig("first", token);
    assertThat(once(first)).as(log("first")).isZero();
    Path identity = dir.resolve("first/identity");
    assertThat(Files.getPosixFilePermissions(identity.resolve("device.key"))).hasToString("[OWNER_READ, OWNER_WRITE]");
    assertThat(Files.readString(identity.resolve("device.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    // The file holds a secret, so it is written owner-only although its configured mode is 0644.
    assertThat(Files.readString(dir.resolve("first/tv_api.env"))).isEqualTo("PORT=8080\nHMAC_KEY=k-3f9a1c\n");
    assertThat(Files.getPosixFilePermissions(dir.resolve("first/tv_api.env"))).hasToString("[OWNER_READ, OWNER_WRITE]");
    var reports = server.get("/api/v1/devices/vv-1/reports").json().get("reports");
    assertThat(reports).hasSize(1);
    String serial = server.get("/api/v1/certificates").json().at("/certificates/0/serial").asText();
    assertThat(server.get("/api/v1/certificates").json().at("/certificates/0/device").asText()).isEqualTo("vv-1");
    Credentials byCertificate = Credentials.certificate(identity.resolve("device.crt"), identity.resolve("device.key"))
        .withCaFile(server.caFile());
    assertThat(whoami(byCertificate)).isEqualTo("{\"kind\":\"device\",\"device\":\"vv-1\",\"by\":\"certificate\"}");
    assertThat(whoamiOverUrlConnection(byCertificate))
        .isEqualTo("{\"kind\":\"device\",\"device\":\"vv-1\",\"by\":\"certificate\"}");

    Path second = agentConfig("second", token);
    assertThat(once(second)).isNotZero();
    assertThat(log("second")).contains("the server refused the certificate request (403): the enrolment token is"
        + " not valid: unknown, expired, revoked or already used");
    assertThat(Files.exists(dir.resolve("second/identity/device.crt"))).isFalse();
    assertThat(server.get("/api/v1/certificates").json().get("certificates")).hasSize(1);

    assertThat(cli("cert", "revoke", serial)).isEqualTo("revoked " + serial + " of vv-1\n");
    assertThatThrownBy(() -> whoami(byCertificate)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> whoamiOverUrlConnection(byCertificate)).isInstanceOf(IOException.class);
    server.put("/api/v1/entries/global/tv_api/port", "8081");
    once(first);
    assertThat(log("first")).contains("the server did not answer at start");
    assertThat(Files.readString(dir.resolve("first/tv_api.env"))).startsWith("PORT=8080\n");
    assertThat(server.get("/api/v1/devices/vv-1/reports").json().get("reports")).hasSize(1);
  }

  @Test
  void anAgentRenewsItsCertificateWithTheCurrentOneAndARemovedDeviceLosesItsCredentials() throws Exception {
    String token = cli("token", "create", "--enrol", "vv-1").strip();
    Path config = agentConfig("renewing", token);
    assertThat(once(config)).as(log("renewing")).isZero();
    Path identity = dir.resolve("renewing/identity");
    String firstKey = Files.readString(identity.resolve("device.key"));
    String firstCertificate = Files.readString(identity.resolve("device.crt"));

    assertThat(once(config)).as(log("renewing")).isZero();
    assertThat(log("renewing")).contains("renewed the certificate");
    assertThat(Files.readString(identity.resolve("device.key"))).isNotEqualTo(firstKey);
    assertThat(Files.readString(identity.resolve("device.crt"))).isNotEqualTo(firstCertificate);
    assertThat(Files.getPosixFilePermissions(identity.resolve("device.key"))).hasToString("[OWNER_READ, OWNER_WRITE]");
    assertThat(server.get("/api/v1/certificates").json().get("certificates")).hasSize(2);
    Credentials renewed = Credentials.certificate(identity.resolve("device.crt"), identity.resolve("device.key"))
        .withCaFile(server.caFile());
    assertThat(whoami(renewed)).isEqualTo("{\"kind\":\"device\",\"device\":\"vv-1\",\"by\":\"certificate\"}");

    assertThat(server.delete("/api/v1/devices/vv-1").status()).isEqualTo(200);
    assertThat(server.get("/api/v1/certificates").json().findValuesAsText("revoked")).hasSize(2)
        .allSatisfy(revoked -> assertThat(revoked).isNotEqualTo("null"));
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    assertThatThrownBy(() -> whoami(renewed)).isInstanceOf(IOException.class);
  }

  private Path agentConfig(String name, String enrolToken) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, "server: " + server.uri() + "\ndevice_id: vv-1\n"
        + "ca_file: " + server.caFile() + "\nenrol_token: " + enrolToken + "\n"
        + "state_dir: " + dir.resolve(name) + "\n"
        + "outputs:\n  - name: env\n    namespace: tv_api\n    format: env\n    destination: "
        + dir.resolve(name + "/tv_api.env") + "\n    mode: \"0644\"\n");
    return file;
  }

  private int once(Path config) throws Exception {
    String name = config.getFileName().toString().replace(".yaml", "");
    Process process = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    return process.waitFor();
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"));
  }

  private String whoami(Credentials credentials) throws IOException, InterruptedException {
    HttpResponse<String> response = ClientPlumbing.get().httpClient(credentials, Duration.ofSeconds(5)).send(
        HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/whoami")).build(), HttpResponse.BodyHandlers.ofString());
    return io.fleetconf.cli.ApiClient.JSON.readTree(response.body()).toString();
  }

  /** The same over HttpsURLConnection with the seam's socket factory, as the CLI's one-shot calls. */
  private String whoamiOverUrlConnection(Credentials credentials) throws IOException {
    var connection = (javax.net.ssl.HttpsURLConnection) URI.create(server.uri() + "/api/v1/whoami").toURL()
        .openConnection(java.net.Proxy.NO_PROXY);
    connection.setSSLSocketFactory(ClientPlumbing.get().socketFactory(credentials));
    try (var in = connection.getInputStream()) {
      return io.fleetconf.cli.ApiClient.JSON.readTree(in).toString();
    } finally {
      connection.disconnect();
    }
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--addr=" + server.uri(), "--token=" + server.token(), "--ca-file=" + server.caFile())).toArray(String[]::new);
    assertThat(commandLine.execute(all)).as(err.toString()).isZero();
    return out.toString();
  }
}
