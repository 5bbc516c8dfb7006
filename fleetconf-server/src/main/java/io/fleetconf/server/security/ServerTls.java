package io.fleetconf.server.security;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The server's TLS: its certificate and key from PEM files, read again when either file changes
 * (checked at most once a second, on a handshake), and, when the fleet has a CA, client
 * certificates that CA issued and has not revoked. TLS 1.2 and 1.3 only, with AEAD cipher suites
 * only (AES-GCM, ChaCha20-Poly1305): TLS 1.3 has no others, and TLS 1.2's CBC suites are off.
 */
public final class ServerTls {
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());
  private final SSLContext context;
  private final boolean clientCertificates;

  private ServerTls(SSLContext context, boolean clientCertificates) {
    this.context = context;
    this.clientCertificates = clientCertificates;
  }

  /**
   * @param clientCa the fleet CA, whose certificates identify devices; empty: no client certificates
   * @param revoked tells whether a certificate serial (hex) has been revoked
   * @param refused hears why a client certificate was refused at the handshake
   */
  public static ServerTls of(Path certFile, Path keyFile, Optional<X509Certificate> clientCa, Predicate<String> revoked,
      java.util.function.Consumer<String> refused) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      Reloading keys = new Reloading(certFile, keyFile);
      context.init(new javax.net.ssl.KeyManager[] {keys},
          new javax.net.ssl.TrustManager[] {new ClientTrust(clientCa, revoked, refused)}, null);
      return new ServerTls(context, clientCa.isPresent());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  public SSLContext context() {
    return context;
  }

  /** The parameters of every connection: the protocol versions, and client certificates wanted (not needed). */
  public SSLParameters parameters() {
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    parameters.setCipherSuites(aeadOnly(parameters.getCipherSuites()));
    parameters.setWantClientAuth(clientCertificates);
    return parameters;
  }

  /**
   * The suites of {@code suites} that encrypt with an AEAD and, in TLS 1.2, agree keys with
   * ephemeral Diffie-Hellman; TLS 1.3's suites ({@code TLS_AES_*}, {@code TLS_CHACHA20_*}) are all
   * so. Order is kept: the JDK's preference.
   */
  static String[] aeadOnly(String[] suites) {
    return java.util.Arrays.stream(suites)
        .filter(suite -> suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
            || (suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_"))
                && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_")))
        .toArray(String[]::new);
  }

  /** Whether {@code keyFile} holds the private key of {@code certificate}; false for an unreadable key file too. */
  public static boolean isKeyOf(Path keyFile, X509Certificate certificate) {
    try {
      requirePair(Pem.privateKey(keyFile), certificate, keyFile, "the certificate");
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Refuses a key that does not belong to the certificate (say, one file replaced, the other not yet). */
  private static void requirePair(PrivateKey key, X509Certificate certificate, Path keyFile, String certName)
      throws GeneralSecurityException {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    byte[] probe = "fleetconf key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.security.Signature signer = java.security.Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException(keyFile + " is not the key of " + certName);
    }
  }

  /** A key manager over the PEM files that swaps in a new certificate when the files change. */
  private static final class Reloading extends X509ExtendedKeyManager {
    private final Path certFile;
    private final Path keyFile;
    private volatile X509KeyManager current;
    private volatile List<FileTime> loadedVersion;
    private volatile long checkedAt;

    Reloading(Path certFile, Path keyFile) throws GeneralSecurityException {
      this.certFile = certFile;
      this.keyFile = keyFile;
      this.loadedVersion = version();
      this.current = load();
    }

    private List<FileTime> version() {
      try {
        return List.of(Files.getLastModifiedTime(certFile), Files.getLastModifiedTime(keyFile));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the TLS files " + certFile + " and " + keyFile + ": " + e.getMessage());
      }
    }

    private X509KeyManager load() throws GeneralSecurityException {
      List<X509Certificate> chain = Pem.certificates(certFile);
      PrivateKey key = Pem.privateKey(keyFile);
      requirePair(key, chain.get(0), keyFile, "the certificate in " + certFile);
      KeyStore store = KeyStore.getInstance("PKCS12");
      try {
        store.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      char[] password = new char[0];
      store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return (X509KeyManager) factory.getKeyManagers()[0];
    }

    private X509KeyManager current() {
      long now = System.nanoTime();
      if (now - checkedAt > 1_000_000_000L) {
        checkedAt = now;
        try {
          List<FileTime> version = version();
          if (!version.equals(loadedVersion)) {
            current = load();
            loadedVersion = version;
            LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded from " + certFile);
          }
        } catch (RuntimeException | GeneralSecurityException e) {
          // Half-written files, say: keep serving the certificate we have, and try again later.
          LOG.log(System.Logger.Level.WARNING, "cannot reload the TLS certificate yet: " + e.getMessage());
        }
      }
      return current;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return current().chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return current.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Trusts client certificates the fleet CA issued, unless revoked: a revoked one fails the handshake. */
  private static final class ClientTrust extends X509ExtendedTrustManager {
    private final Optional<X509TrustManager> ca;
    private final X509Certificate[] issuers;
    private final Predicate<String> revoked;
    private final java.util.function.Consumer<String> refused;

    ClientTrust(Optional<X509Certificate> caCertificate, Predicate<String> revoked,
        java.util.function.Consumer<String> refused) throws GeneralSecurityException {
      this.revoked = revoked;
      this.refused = refused;
      this.issuers = caCertificate.map(c -> new X509Certificate[] {c}).orElse(new X509Certificate[0]);
      if (caCertificate.isPresent()) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
          store.load(null, null);
        } catch (IOException e) {
          throw new GeneralSecurityException(e);
        }
        store.setCertificateEntry("fleet-ca", caCertificate.get());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        this.ca = Optional.of((X509TrustManager) factory.getTrustManagers()[0]);
      } else {
        this.ca = Optional.empty();
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (ca.isEmpty()) {
        throw new CertificateException("this server takes no client certificates");
      }
      try {
        ca.get().checkClientTrusted(chain, authType);
      } catch (CertificateException e) {
        refused.accept("a client certificate the fleet CA did not issue (" + chain[0].getSubjectX500Principal() + ")");
        throw e;
      }
      String serial = FleetCa.serialOf(chain[0]);
      if (revoked.test(serial)) {
        refused.accept("revoked client certificate " + serial + " of " + FleetCa.deviceOf(chain[0]));
        throw new CertificateException("client certificate " + serial + " is revoked");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("not a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }
}
