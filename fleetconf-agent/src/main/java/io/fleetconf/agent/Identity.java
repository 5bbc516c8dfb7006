package io.fleetconf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.api.EnrolRequest;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.api.IssuedCertificate;
import io.fleetconf.api.Paths;
import io.fleetconf.api.RenewRequest;
import io.fleetconf.api.WireException;
import io.fleetconf.client.Credentials;
import io.fleetconf.client.internal.ClientPlumbing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The device's identity: a device token, or a client certificate the fleet CA issued. To get a
 * certificate the agent enrols once with a one-time enrolment token: it makes its own EC key pair
 * (the key never leaves the device; it is written with mode 0600 before anything is sent), sends a
 * CSR, and keeps the certificate it gets back. When less than a third of the certificate's life is
 * left, the agent renews it at start, authenticating with the current one.
 */
final class Identity {
  private static final System.Logger LOG = System.getLogger(Identity.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private Identity() {}

  /** The credentials to use: the token, the certificate (enrolling or renewing first if due), the CA file. */
  static Credentials credentials(AgentConfig config) {
    Credentials byToken = withCaFile(config.resolveToken().map(Credentials::token).orElse(Credentials.none()), config);
    Path certificate = config.certificateFile();
    Path key = config.keyFile();
    finishRenewal(certificate, key);
    if (!Files.exists(certificate)) {
      Optional<String> enrolToken = config.resolveEnrolToken();
      if (enrolToken.isEmpty()) {
        return byToken;
      }
      KeyPair pair = freshKey(key);
      IssuedCertificate answer = call(config, Credentials.none(), Paths.ENROL,
          new EnrolRequest(enrolToken.get(), csr(config.deviceId(), pair)).toJson());
      writePublic(certificate, answer.certificate());
      LOG.log(System.Logger.Level.INFO, "fleetconf-agent: enrolled as " + config.deviceId() + "; certificate "
          + answer.info().serial() + " valid until " + answer.info().notAfter());
    } else if (dueForRenewal(certificate)) {
      renew(config, certificate, key);
    }
    return byToken.withCertificate(certificate, key);
  }

  /**
   * Renews in steps that a crash at any point leaves recoverable: the new key and certificate are
   * written beside the current ones ({@code .next}), then the key is moved into place, then the
   * certificate; {@link #finishRenewal} completes or drops a renewal cut short.
   */
  private static void renew(AgentConfig config, Path certificate, Path key) {
    Path nextKey = next(key);
    try {
      KeyPair pair = freshKey(nextKey);
      Credentials current = Credentials.certificate(certificate, key);
      IssuedCertificate answer = call(config, current, Paths.deviceCertificate(config.deviceId()),
          new RenewRequest(csr(config.deviceId(), pair)).toJson());
      writePublic(next(certificate), answer.certificate());
      Files.move(nextKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(next(certificate), certificate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      LOG.log(System.Logger.Level.INFO, "fleetconf-agent: renewed the certificate; valid until "
          + answer.info().notAfter());
    } catch (AgentException | IOException e) {
      // The current certificate still works: keep it, and try again at the next start.
      LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot renew the certificate yet: " + e.getMessage());
    }
  }

  private static Path next(Path file) {
    return file.resolveSibling(file.getFileName() + ".next");
  }

  /** Completes a renewal that a crash cut short after the server answered, or drops one cut before. */
  private static void finishRenewal(Path certificate, Path key) {
    try {
      if (Files.exists(next(certificate))) {
        if (Files.exists(next(key))) {
          Files.move(next(key), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(next(certificate), certificate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.deleteIfExists(next(key));
      }
    } catch (IOException e) {
      throw new AgentException("cannot finish renewing the certificate in " + certificate.getParent() + ": "
          + e.getMessage());
    }
  }

  private static boolean dueForRenewal(Path certificate) {
    X509Certificate current = leaf(certificate);
    Instant from = current.getNotBefore().toInstant();
    Instant to = current.getNotAfter().toInstant();
    Duration left = Duration.between(Instant.now(), to);
    return left.compareTo(Duration.between(from, to).dividedBy(3)) < 0;
  }

  private static IssuedCertificate call(AgentConfig config, Credentials identity, String path, ObjectNode body) {
    Credentials credentials = withCaFile(identity, config); // the certificate to renew with, if any
    List<URI> servers = config.serverUrls().stream().map(URI::create).toList();
    try {
      ClientPlumbing.Answer response = ClientPlumbing.get().post(servers, credentials, path, body.toString(),
          Duration.ofSeconds(30));
      JsonNode answer = JSON.readTree(response.body());
      if (response.status() == 201) {
        try {
          return IssuedCertificate.from(answer);
        } catch (WireException e) {
          // no certificate in it: refused like any other answer
        }
      }
      throw new AgentException("the server refused the certificate request (" + response.status() + "): "
          + ErrorBody.from(answer).map(ErrorBody::message).orElse("no reason given"));
    } catch (IOException e) {
      throw new AgentException("cannot reach the server to get a certificate: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException("interrupted while getting a certificate");
    }
  }

  /** {@code credentials} trusting the configured CA file, if there is one. */
  private static Credentials withCaFile(Credentials credentials, AgentConfig config) {
    return config.caFile().map(credentials::withCaFile).orElse(credentials);
  }

  /** Makes an EC P-256 key pair and writes its private key, readable by this user only. */
  private static KeyPair freshKey(Path file) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      Files.createDirectories(file.toAbsolutePath().getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      SafeWriter.replace(file, pkcs8(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), "rw-------");
      return pair;
    } catch (GeneralSecurityException | IOException e) {
      throw new AgentException("cannot make a key in " + file + ": " + e.getMessage());
    }
  }

  /** The first certificate of a PEM file: the device's own. */
  private static X509Certificate leaf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new AgentException("cannot read the certificate " + file + ": " + e.getMessage());
    }
  }

  /** A private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as the client reads it back. */
  private static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String csr(String deviceId, KeyPair pair) {
    try {
      return CertificateRequest.pem(deviceId, pair);
    } catch (GeneralSecurityException e) {
      throw new AgentException("cannot make a certificate request: " + e.getMessage());
    }
  }

  private static void writePublic(Path file, String pem) {
    try {
      SafeWriter.replace(file, pem.getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
    } catch (IOException e) {
      throw new AgentException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
