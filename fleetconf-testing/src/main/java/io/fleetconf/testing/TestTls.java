package io.fleetconf.testing;

import io.fleetconf.server.security.Pem;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of TLS for tests that talk to a server as a device or an operator would: trust
 * a CA file, optionally present a client certificate. (The client library has its own, which this
 * module cannot use: fleetconf-client tests against it.)
 */
public final class TestTls {
  private TestTls() {}

  /** A client certificate (PEM, leaf first) and its private key (PEM). */
  public record Identity(Path certificate, Path key) {}

  /** TLS 1.3 and 1.2, host names checked, as every fleetconf client. */
  public static SSLParameters parameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  public static SSLContext context(Optional<Path> caFile, Optional<Identity> identity) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      KeyStore trusted = null;
      if (caFile.isPresent()) {
        trusted = emptyStore();
        int i = 0;
        for (Certificate certificate : Pem.certificates(caFile.get())) {
          trusted.setCertificateEntry("ca-" + i++, certificate);
        }
      }
      trust.init(trusted);
      KeyManagerFactory keys = null;
      if (identity.isPresent()) {
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("client", Pem.privateKey(identity.get().key()), password,
            Pem.certificates(identity.get().certificate()).toArray(Certificate[]::new));
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

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }
}
