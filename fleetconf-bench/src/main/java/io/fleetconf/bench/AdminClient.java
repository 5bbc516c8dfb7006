package io.fleetconf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The bench's writes to the server, over HTTP as any admin would: each returns the revision it made. */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(30))
      .build();
  private final URI base;
  private final String token;

  AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  long post(String path, String json) {
    return revisionOf(call("POST", path, json));
  }

  long put(String path, String json) {
    return revisionOf(call("PUT", path, json));
  }

  long delete(String path) {
    return revisionOf(call("DELETE", path, ""));
  }

  /** The server's current revision, from the health endpoint. */
  long revision() {
    return io.fleetconf.api.Health.from(call("GET", io.fleetconf.api.Paths.HEALTH, "")).revision();
  }

  private JsonNode call(String method, String path, String json) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, json.isEmpty()
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new BenchException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BenchException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException(method + " " + path + " was interrupted", e);
    }
  }

  private static long revisionOf(JsonNode body) {
    JsonNode revision = body.get("revision");
    if (revision == null || !revision.canConvertToLong()) {
      throw new BenchException("the server's answer has no revision: " + body);
    }
    return revision.asLong();
  }
}
