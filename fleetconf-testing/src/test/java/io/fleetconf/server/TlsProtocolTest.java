package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS port speaks TLS 1.2 and 1.3 only. Real clients forced to TLS 1.0 or 1.1 get the server's
 * protocol_version alert (so the refusal is the server's, not the client's), and plain HTTP gets no
 * HTTP answer.
 */
class TlsProtocolTest {
  @RegisterExtension static final TestServer server = TestServer.fresh().tls();
  private static final String OPENSSL = "/usr/bin/openssl";

  /** What a client process printed, and how it ended. */
  record Outcome(int exitCode, String output) {}

  @ParameterizedTest(name = "openssl {0}")
  @ValueSource(strings = {"-tls1", "-tls1_1"})
  void opensslForcedToAnOldVersionGetsTheServersAlert(String version) throws Exception {
    Outcome handshake = opensslClient(version);
    assertThat(handshake.exitCode()).as(handshake.output()).isNotZero();
    assertThat(handshake.output()).contains("alert protocol version").contains("Cipher is (NONE)");
  }

  @ParameterizedTest(name = "openssl {0}")
  @CsvSource({"-tls1_2, TLSv1.2", "-tls1_3, TLSv1.3"})
  void opensslNegotiatesTheCurrentVersionsTrustingTheFleetCa(String version, String protocol) throws Exception {
    Outcome handshake = opensslClient(version);
    assertThat(handshake.exitCode()).as(handshake.output()).isZero();
    assertThat(handshake.output()).contains("New, " + protocol + ", Cipher is").contains("Verify return code: 0 (ok)");
  }

  private static Outcome opensslClient(String version) throws Exception {
    // SECLEVEL=0 lets OpenSSL itself offer TLS 1.0 and 1.1; stdin at EOF ends the session after the handshake.
    return opensslClient(version, "DEFAULT:@SECLEVEL=0");
  }

  private static Outcome opensslClient(String version, String ciphers) throws Exception {
    assumeTrue(new File(OPENSSL).canExecute(), "openssl is not installed");
    return run(List.of(OPENSSL, "s_client", "-connect", "127.0.0.1:" + server.uri().getPort(), version,
        "-cipher", ciphers, "-CAfile", server.caFile().toString(), "-verify_return_error"));
  }

  /** TLS 1.2 with a CBC suite (MAC-then-encrypt, the Lucky 13 family) is refused: the client offered nothing else. */
  @ParameterizedTest(name = "openssl -tls1_2 -cipher {0}")
  @ValueSource(strings = {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA",
      "ECDHE-ECDSA-AES256-SHA"})
  void tls12WithOnlyACbcSuiteIsRefused(String cipher) throws Exception {
    Outcome handshake = opensslClient("-tls1_2", cipher);
    assertThat(handshake.exitCode()).as(handshake.output()).isNotZero();
    assertThat(handshake.output()).contains("alert handshake failure").contains("Cipher is (NONE)");
  }

  @ParameterizedTest(name = "openssl -tls1_2 -cipher {0}")
  @ValueSource(strings = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305"})
  void tls12WithAnAeadSuiteIsAccepted(String cipher) throws Exception {
    Outcome handshake = opensslClient("-tls1_2", cipher);
    assertThat(handshake.exitCode()).as(handshake.output()).isZero();
    assertThat(handshake.output()).contains("New, TLSv1.2, Cipher is " + cipher);
  }

  @Test
  void theServerEnablesOnlyAeadSuites() {
    Path tls = server.dataDir().resolve("tls");
    String[] suites = io.fleetconf.server.security.ServerTls.of(tls.resolve("server.crt"), tls.resolve("server.key"),
        Optional.empty(), serial -> false, why -> {}).parameters().getCipherSuites();
    assertThat(suites).isNotEmpty().contains("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(suites).allMatch(suite -> suite.matches("TLS_(AES|CHACHA20)_.*|TLS_(EC)?DHE_.*_(GCM|CHACHA20_POLY1305)_.*"));
    assertThat(suites).noneMatch(suite -> suite.contains("_CBC_"));
  }

  /**
   * The JDK client disables TLS 1.0 and 1.1 itself, so it runs in a child JVM whose
   * {@code jdk.tls.disabledAlgorithms} is empty: then only the server can refuse.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "TLSv1,   refused: (protocol_version) Received fatal alert: protocol_version",
      "TLSv1.1, refused: (protocol_version) Received fatal alert: protocol_version",
      "TLSv1.2, negotiated TLSv1.2"})
  void javaClientWithNothingDisabledIsRefusedBelowTls12(String protocol, String expected, @TempDir Path dir)
      throws Exception {
    Path security = Files.writeString(dir.resolve("java.security"), "jdk.tls.disabledAlgorithms=\n");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classes = Path.of(OldClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    Outcome handshake = run(List.of(java, "-Djava.security.properties=" + security, "-cp", classes,
        OldClient.class.getName(), Integer.toString(server.uri().getPort()), server.caFile().toString(), protocol));
    assertThat(handshake.output().strip()).isEqualTo(expected);
  }

  /** A client in a JVM of its own: shakes hands with only {@code args[2]} enabled, and prints how it went. */
  static final class OldClient {
    public static void main(String[] args) throws Exception {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
        Certificate ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        trusted.setCertificateEntry("fleet-ca", ca);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(args[0]))) {
        socket.setEnabledProtocols(new String[] {args[2]});
        socket.startHandshake();
        System.out.println("negotiated " + socket.getSession().getProtocol());
      } catch (IOException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void javaClientTrustingTheFleetCaGetsHealth(String protocol) throws Exception {
    SSLParameters parameters = TestTls.parameters();
    parameters.setProtocols(new String[] {protocol});
    try (HttpClient client = HttpClient.newBuilder()
        .sslContext(TestTls.context(Optional.of(server.caFile()), Optional.empty()))
        .sslParameters(parameters).build()) {
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.sslSession().orElseThrow().getProtocol()).isEqualTo(protocol);
    }
  }

  @Test
  void plainHttpToTheTlsPortGetsNoHttpAnswer() throws IOException {
    byte[] answer;
    try (Socket socket = new Socket("127.0.0.1", server.uri().getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      answer = readUntilClosed(socket.getInputStream());
    }
    assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/");
    if (answer.length > 0) {
      assertThat(answer[0]).as("a TLS alert record").isEqualTo((byte) 21);
    }
    assertThat(server.get("/api/v1/health").status()).isEqualTo(200);
  }

  private static byte[] readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // closed by a reset rather than a FIN: the same refusal
    }
    return out.toByteArray();
  }

  private static Outcome run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish in 15 s");
    }
    return new Outcome(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
