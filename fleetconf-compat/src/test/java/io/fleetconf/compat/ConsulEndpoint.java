package io.fleetconf.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a test server answers Consul's API, and a raw HTTP client for the calls the real Consul
 * clients do not make (consul-api 1.4.5 has no {@code /v1/txn}) or for what must be seen on the wire
 * (status codes, headers, token forms).
 */
final class ConsulEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String host;
  final int port;
  final String token;

  private ConsulEndpoint(String host, int port, String token) {
    this.host = host;
    this.port = port;
    this.token = token;
  }

  static ConsulEndpoint of(TestServer server) {
    URI uri = server.uri(); // the Consul API shares the server's port
    return new ConsulEndpoint(uri.getHost(), uri.getPort(), server.token());
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://" + host + ":" + port + pathAndQuery);
  }

  /** An HTTP answer: status, headers, body bytes. */
  record Reply(int status, Map<String, List<String>> headers, byte[] bytes) {
    String body() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body(), e);
      }
    }

    String header(String name) {
      return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }
  }

  /** Sends {@code method pathAndQuery} with {@code body} (null for none) and the given extra headers. */
  Reply send(String method, String pathAndQuery, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + pathAndQuery + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@code PUT /v1/txn} with the admin token in {@code X-Consul-Token}, as Consul's own clients send it. */
  Reply txn(String json) {
    return send("PUT", "/v1/txn", json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "X-Consul-Token", token, "Content-Type", "application/json");
  }
}
