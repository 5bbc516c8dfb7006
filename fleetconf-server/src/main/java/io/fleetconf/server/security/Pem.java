package io.fleetconf.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.fleetconf.store.DurableFile;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reading and writing PEM files: certificate chains, private keys (PKCS#8, PKCS#1, SEC1) and CSRs. */
public final class Pem {
  private Pem() {}

  public static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return chain;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " does not hold PEM certificates: " + e.getMessage());
    }
  }

  public static PrivateKey privateKey(Path file) {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
      Object read = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (read) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case null, default -> throw new IllegalArgumentException(
            file + " holds no unencrypted PEM private key (PKCS#8, RSA or EC)");
      };
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage());
    }
  }

  /** Parses a PEM certificate signing request; the message says what was wrong, never echoes it. */
  public static PKCS10CertificationRequest csr(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (parser.readObject() instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the one message below
    }
    throw new io.fleetconf.core.InvalidInputException("invalid_csr",
        "field 'csr' must be a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)");
  }

  public static String encode(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), which every TLS stack reads. */
  public static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  /** Writes a file anew, durably (see {@link DurableFile}); with {@code secret} only its owner may read it (0600). */
  public static void write(Path file, String text, boolean secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DurableFile.write(file, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          secret ? DurableFile.Mode.OWNER_ONLY : DurableFile.Mode.PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
