package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.DeviceId;
import io.fleetconf.server.security.FleetCa;
import io.fleetconf.server.security.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK-made PKCS#10 request, read and signed by the server's own CA code (Bouncy Castle there). */
class CertificateRequestTest {
  @Test
  void theFleetCaSignsTheRequestForTheDeviceItNames(@TempDir Path dir) throws Exception {
    FleetCa ca = FleetCa.init(dir, "test fleet", Instant.now());
    KeyPair pair = ecKey();
    String pem = CertificateRequest.pem("vv-lis-04", pair);

    X509Certificate issued = ca.issueDevice(Pem.csr(pem), DeviceId.of("vv-lis-04"), Instant.now(), Duration.ofDays(90));

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n").endsWith("-----END CERTIFICATE REQUEST-----\n");
    assertThat(FleetCa.deviceOf(issued)).isEqualTo("vv-lis-04");
    assertThat(issued.getPublicKey()).isEqualTo(pair.getPublic());
  }

  @Test
  void aLongDeviceIdMakesARequestWithTwoByteLengths(@TempDir Path dir) throws Exception {
    FleetCa ca = FleetCa.init(dir, "test fleet", Instant.now());
    // The longest common name RFC 5280 allows: the request then passes 255 bytes.
    String id = "d".repeat(64);
    X509Certificate issued = ca.issueDevice(Pem.csr(CertificateRequest.pem(id, ecKey())), DeviceId.of(id), Instant.now(),
        Duration.ofDays(90));
    assertThat(FleetCa.deviceOf(issued)).isEqualTo(id);
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
