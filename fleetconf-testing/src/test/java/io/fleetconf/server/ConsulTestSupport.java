package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the Consul API tests share: a real server per test, and raw HTTP that sends exactly what it
 * is given and keeps the exact answer (status, headers, body bytes), as Consul clients see it.
 */
abstract class ConsulTestSupport {
  @RegisterExtension final TestServer server = TestServer.fresh();

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String PORT_KEY = "fleet/global/tv_api/port";

  // ---------------------------------------------------------------- raw HTTP

  /** An answer as the wire has it: status, headers and the exact body bytes. */
  record Answer(int status, HttpHeaders headers, byte[] bytes) {
    String text() {
      return new String(bytes, UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    long index() {
      return Long.parseLong(header("X-Consul-Index"));
    }

    /** The single entry of a one-key read, as Consul returns it (a list of one). */
    JsonNode entry() {
      assertThat(json().size()).isEqualTo(1);
      return json().get(0);
    }

    /** The decoded Value of a one-key read ({@code null} for Consul's null). */
    byte[] value() {
      JsonNode value = entry().get("Value");
      return value.isNull() ? null : Base64.getDecoder().decode(value.asText());
    }
  }

  static HttpRequest request(TestServer on, String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.uri() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  /** Sends exactly what it is given: no credentials unless {@code headers} hold them. */
  static Answer call(TestServer on, String method, String path, byte[] body, String... headers) {
    try {
      HttpResponse<byte[]> response = HTTP.send(request(on, method, path, body, headers),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Answer call(String method, String path, byte[] body, String... headers) {
    return call(server, method, path, body, headers);
  }

  /** As an admin, with the token in Consul's header. */
  Answer consul(String method, String path, byte[] body) {
    return call(method, path, body, "X-Consul-Token", server.token());
  }

  Answer get(String path) {
    return consul("GET", path, null);
  }

  Answer put(String path, String body) {
    return consul("PUT", path, body.getBytes(UTF_8));
  }

  Answer delete(String path) {
    return consul("DELETE", path, null);
  }

  Answer txn(String body) {
    return put("/v1/txn", body);
  }

  /** A blocking query started now; the answer comes when the server gives it. */
  CompletableFuture<Answer> getAsync(String path) {
    return HTTP.sendAsync(request(server, "GET", path, null, "X-Consul-Token", server.token()),
            HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Answer(response.statusCode(), response.headers(), response.body()));
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  /** The native entry behind a key, e.g. {@code global/tv_api/port} or {@code plain/config/app1/data}. */
  JsonNode nativeEntry(String key) {
    TestServer.Reply reply = server.get("/api/v1/entries/" + key);
    assertThat(reply.status()).as("native GET %s: %s", key, reply.body()).isEqualTo(200);
    return io.fleetconf.format.Json.read(reply.body()); // numbers as written
  }

  /** A token just made: its id (which messages name) and its secret. */
  record Issued(String id, String secret) {}

  Issued issue(String body) {
    TestServer.Reply reply = server.post("/api/v1/tokens", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return new Issued(reply.json().get("id").asText(), reply.json().get("token").asText());
  }

  String token(String body) {
    TestServer.Reply reply = server.post("/api/v1/tokens", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("token").asText();
  }

  void device(String id, String group) {
    assertThat(server.post("/api/v1/devices", "{\"id\":\"" + id + "\",\"groups\":[\"" + group + "\"]}").status())
        .isEqualTo(201);
  }

  static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  static void assertTrueAnswer(Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.text()).isEqualTo("true");
  }

  static void assertFalseAnswer(Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.text()).isEqualTo("false");
  }

  /** Keys whose flat forms share prefixes that are and are not whole path segments. */
  void appKeys() {
    put("/v1/kv/config/b", "b");
    put("/v1/kv/config/app2/z", "z");
    put("/v1/kv/config/apple", "apple");
    put("/v1/kv/config/app1/y/deep", "deep");
    put("/v1/kv/config/app1/x", "x");
    put("/v1/kv/other/k", "k");
  }
}
