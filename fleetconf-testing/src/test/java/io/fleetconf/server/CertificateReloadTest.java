package io.fleetconf.server;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.server.security.FleetCa;
import io.fleetconf.server.security.Pem;
import io.fleetconf.server.security.ServerTls;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestTls;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server picks up a new certificate when its files change, without a restart. */
class CertificateReloadTest {
  @RegisterExtension final TestServer server = TestServer.fresh().tls();

  @Test
  void aReplacedCertificateIsServedToNewConnectionsAndABrokenOneIsIgnored() throws Exception {
    Path certificate = server.dataDir().resolve("tls/server.crt");
    Path key = server.dataDir().resolve("tls/server.key");
    BigInteger first = servedSerial();
    assertThat(first).isEqualTo(((X509Certificate) Pem.certificates(certificate).iterator().next()).getSerialNumber());

    // A half-written pair of files: the server keeps serving the certificate it has. It reads the
    // files at most once a second, on a handshake: wait until it has tried these.
    Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nnot yet\n");
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger tlsLog = Logger.getLogger(ServerTls.class.getName());
    tlsLog.addHandler(recorder);
    try {
      eventually(Duration.ofSeconds(10), "the server tried the half-written certificate", () -> {
        assertThat(servedSerial()).isEqualTo(first);
        return warnings.stream().anyMatch(message -> message.startsWith("cannot reload the TLS certificate yet"));
      });
    } finally {
      tlsLog.removeHandler(recorder);
    }

    FleetCa.load(server.dataDir().resolve(FleetServer.CA_DIR))
        .writeServerCertificate(certificate, key, List.of("127.0.0.1"), Instant.now());
    BigInteger second = ((X509Certificate) Pem.certificates(certificate).iterator().next()).getSerialNumber();
    assertThat(second).isNotEqualTo(first);
    eventually(Duration.ofSeconds(10), "new certificate served", () -> servedSerial().equals(second));
    assertThat(server.get("/api/v1/health").status()).isEqualTo(200);
  }

  /**
   * A crash between writing the server's new key and its new certificate leaves a key that does
   * not go with the certificate: the next start makes a new pair instead of refusing to start.
   */
  @Test
  void aServerKeyThatDoesNotGoWithItsCertificateIsRemadeAtStart(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    TestServer.startTls(data).close();
    Path key = data.resolve("tls/server.key");
    var generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    Files.writeString(key, Pem.pkcs8(generator.generateKeyPair().getPrivate()));

    try (TestServer again = TestServer.startTls(data)) {
      assertThat(again.get("/api/v1/health").status()).isEqualTo(200);
    }
    X509Certificate certificate = (X509Certificate) Pem.certificates(data.resolve("tls/server.crt"))
        .iterator().next();
    assertThat(io.fleetconf.server.security.ServerTls.isKeyOf(key, certificate)).isTrue();
  }

  /** The serial of the certificate the server presents on a new TLS connection. */
  private BigInteger servedSerial() throws Exception {
    var context = TestTls.context(Optional.of(server.caFile()), Optional.empty());
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.uri().getPort())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
