package io.fleetconf.client;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * How a device proves who it is and whom it trusts: a device token (sent as a bearer token), a
 * client certificate from the fleet CA (mTLS), or both; and the CA file that vouches for the
 * server (the system's trust store when absent). Immutable: the {@code with...} methods make a copy.
 */
public final class Credentials {
  private static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty(), Optional.empty());
  private final Optional<String> token;
  private final Optional<ClientTls.Identity> certificate;
  private final Optional<Path> caFile;

  Credentials(Optional<String> token, Optional<ClientTls.Identity> certificate, Optional<Path> caFile) {
    this.token = token.filter(t -> !t.isBlank());
    this.certificate = certificate;
    this.caFile = caFile;
  }

  /** No token and no certificate: add them, or a CA file alone, with the {@code with...} methods. */
  public static Credentials none() {
    return NONE;
  }

  public static Credentials token(String token) {
    return NONE.withToken(token);
  }

  /** A client certificate (PEM chain, leaf first) and its key (PKCS#8 PEM), for mTLS. */
  public static Credentials certificate(Path certificateFile, Path keyFile) {
    return NONE.withCertificate(certificateFile, keyFile);
  }

  /** These credentials with {@code token} as the device token (a blank one counts as none). */
  public Credentials withToken(String token) {
    return new Credentials(Optional.of(token), certificate, caFile);
  }

  /** These credentials with this client certificate and key. */
  public Credentials withCertificate(Path certificateFile, Path keyFile) {
    return new Credentials(token, Optional.of(new ClientTls.Identity(certificateFile, keyFile)), caFile);
  }

  /** These credentials trusting the CAs in {@code file} for the server's certificate. */
  public Credentials withCaFile(Path file) {
    return new Credentials(token, certificate, Optional.of(file));
  }

  public Optional<String> token() {
    return token;
  }

  Optional<ClientTls.Identity> certificate() {
    return certificate;
  }

  public Optional<Path> caFile() {
    return caFile;
  }

  public boolean isEmpty() {
    return token.isEmpty() && certificate.isEmpty();
  }

  /** An HTTP client that trusts {@link #caFile} and presents {@link #certificate}, if set. */
  HttpClient httpClient(Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (caFile.isPresent() || certificate.isPresent()) {
      builder.sslContext(ClientTls.context(caFile, certificate)).sslParameters(ClientTls.parameters());
    }
    return builder.build();
  }

  /**
   * TLS sockets that trust {@link #caFile} (else the system's CAs), present {@link #certificate},
   * if set, and check the server's host name: {@link #httpClient}'s TLS, for HttpsURLConnection.
   */
  SSLSocketFactory socketFactory() {
    SSLContext context;
    if (caFile.isPresent() || certificate.isPresent()) {
      context = ClientTls.context(caFile, certificate);
    } else {
      try {
        context = SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    return new TlsSocketFactory(context.getSocketFactory(), ClientTls.parameters());
  }

  /** Adds the bearer token to a request, if there is one. */
  HttpRequest.Builder authorize(HttpRequest.Builder request) {
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return request;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that && token.equals(that.token) && certificate.equals(that.certificate)
        && caFile.equals(that.caFile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, certificate, caFile);
  }

  @Override
  public String toString() {
    return "Credentials[token=" + (token.isPresent() ? "(set)" : "(none)") + ", certificate=" + certificate
        + ", caFile=" + caFile + "]";
  }
}
