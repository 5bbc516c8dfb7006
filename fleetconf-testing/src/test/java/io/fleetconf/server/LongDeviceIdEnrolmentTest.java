package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A device id may have up to 128 characters, a certificate's common name 64: enrolling such a
 * device is refused saying so (it failed as an unexpected error), and the token is not spent.
 */
class LongDeviceIdEnrolmentTest {
  @RegisterExtension final TestServer server = TestServer.fresh().tls();

  @Test
  void enrollingADeviceWhoseIdIsLongerThanACommonNameIsRefusedNamingTheLimit() throws Exception {
    String id = "cam-" + "x".repeat(66);
    assertThat(server.post("/api/v1/devices", "{\"id\": \"" + id + "\"}").status()).isEqualTo(201);
    String token = server.post("/api/v1/tokens", "{\"kind\": \"enrolment\", \"device\": \"" + id + "\"}").json()
        .get("token").asText();
    String body = new ObjectMapper().createObjectNode().put("token", token).put("csr", csr()).toString();

    for (int attempt = 0; attempt < 2; attempt++) { // the second answer shows the token was not spent
      Reply reply = server.send("POST", "/api/v1/enrol", body.getBytes(StandardCharsets.UTF_8), "application/json",
          null);
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
      assertThat(reply.json().get("message").asText()).isEqualTo("device id '" + id + "' has 70 characters, more"
          + " than the 64 a certificate's common name holds: give this device a device token instead");
    }
  }

  private static String csr() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=fleet"), pair.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(csr);
    }
    return pem.toString();
  }
}
