package io.fleetconf.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of fleetconf's TLS, with the JDK alone: trust the CAs of a PEM file (the fleet
 * CA, say) instead of, or besides, the system's, and optionally present a client certificate (PEM
 * chain and PKCS#8 PEM key) for mTLS. TLS 1.2 and 1.3 only.
 */
final class ClientTls {
  private ClientTls() {}

  /** The parameters every fleetconf client uses: TLS 1.3 and 1.2, host names checked. */
  static SSLParameters parameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  /**
   * @param caFile PEM certificates to trust; empty: the JDK's default trust store
   * @param identity a client certificate chain file and its key file, for mTLS
   */
  static SSLContext context(Optional<Path> caFile, Optional<Identity> identity) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile.isPresent()) {
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate certificate : certificates(caFile.get())) {
          store.setCertificateEntry("ca-" + i++, certificate);
        }
        trust.init(store);
      } else {
        trust.init((KeyStore) null);
      }
      KeyManagerFactory keys = null;
      if (identity.isPresent()) {
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("client", privateKey(identity.get().key()), password,
            certificates(identity.get().certificate()).toArray(Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** A client certificate (PEM, leaf first) and its private key (PKCS#8 PEM). */
  record Identity(Path certificate, Path key) {}

  private static Collection<? extends Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return certificates;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " does not hold PEM certificates");
    }
  }

  /** Reads a PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}), EC or RSA. */
  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the key " + file + ": " + e.getMessage());
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(file + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new IllegalArgumentException(file + " holds a private key that is neither EC nor RSA");
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }
}
