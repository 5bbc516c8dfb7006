package io.fleetconf.client;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a device proves who it is and whom it trusts: a device token (sent as a bearer token), a
 * client certificate from the fleet CA (mTLS), or both; and the CA file that vouches for the
 * server (the system's trust store when absent).
 */
public record Credentials(Optional<String> token, Optional<ClientTls.Identity> certificate, Optional<Path> caFile) {

  public Credentials {
    token = token.filter(t -> !t.isBlank());
  }

  public static Credentials token(String token) {
    return new Credentials(Optional.of(token), Optional.empty(), Optional.empty());
  }

  public boolean isEmpty() {
    return token.isEmpty() && certificate.isEmpty();
  }

  public Credentials withCaFile(Optional<Path> file) {
    return new Credentials(token, certificate, file);
  }

  /** An HTTP client that trusts {@link #caFile} and presents {@link #certificate}, if set. */
  HttpClient httpClient(Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (caFile.isPresent() || certificate.isPresent()) {
      builder.sslContext(ClientTls.context(caFile, certificate)).sslParameters(ClientTls.parameters());
    }
    return builder.build();
  }

  /** Adds the bearer token to a request, if there is one. */
  HttpRequest.Builder authorize(HttpRequest.Builder request) {
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return request;
  }

  @Override
  public String toString() {
    return "Credentials[token=" + (token.isPresent() ? "(set)" : "(none)") + ", certificate=" + certificate
        + ", caFile=" + caFile + "]";
  }
}
