package io.fleetconf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.api.Paths;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.format.DocumentException;
import io.fleetconf.format.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** The admin verbs' view of the native API: one call, one JSON answer, errors as one line. */
final class ApiClient {
  /** Writes trees as read: numbers keep their text, and a deep value an older server stored prints. */
  static final ObjectMapper JSON = Json.mapper();
  private final HttpClient http;
  private final URI base;
  private final String token;

  /** Tells the server that a person typed this, so that history records the source {@code cli}. */
  static final String SOURCE_HEADER = "X-Fleetconf-Source";

  ApiClient(String address, String token, java.util.Optional<java.nio.file.Path> caFile) {
    try {
      this.base = URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
    } catch (IllegalArgumentException e) {
      throw new CliException("--addr '" + address + "' is not a URL such as https://127.0.0.1:8585");
    }
    this.token = token;
    try {
      this.http = ClientPlumbing.get().httpClient(
          caFile.map(io.fleetconf.client.Credentials.none()::withCaFile).orElse(io.fleetconf.client.Credentials.none()),
          Duration.ofSeconds(5));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  JsonNode get(String path, Map<String, String> query) {
    return parse(send("GET", path, query, null, null));
  }

  String getText(String path, Map<String, String> query) {
    return send("GET", path, query, null, null);
  }

  JsonNode send(String method, String path, Map<String, String> query, JsonNode body) {
    return parse(send(method, path, query, body == null ? null : body.toString(), "application/json"));
  }

  private String send(String method, String path, Map<String, String> query, String body, String type) {
    if (token == null || token.isBlank()) {
      throw new CliException("no token: pass --token or set FLEETCONF_TOKEN");
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + queryString(query)))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header(SOURCE_HEADER, "cli")
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (type != null) {
      request.header("Content-Type", type);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new CliException("cannot connect to " + base + " (is the server running? see --addr / FLEETCONF_ADDR)");
    } catch (javax.net.ssl.SSLException e) {
      throw new CliException("TLS with " + base + " failed (" + e.getMessage() + "); is --ca-file / FLEETCONF_CA_FILE"
          + " the CA of the server's certificate, e.g. data/ca/ca.crt?");
    } catch (IOException e) {
      throw new CliException("request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    if (response.statusCode() >= 400) {
      throw refusal(response);
    }
    return response.body();
  }

  private static CliException refusal(HttpResponse<String> response) {
    java.util.OptionalInt status = java.util.OptionalInt.of(response.statusCode());
    try {
      java.util.Optional<ErrorBody> error = ErrorBody.from(JSON.readTree(response.body()));
      if (error.isPresent()) {
        return new CliException(error.get().error(), error.get().message(), status);
      }
    } catch (JsonProcessingException ignored) {
      // not our error shape; fall through to the status
    }
    return new CliException("http_" + response.statusCode(), "the server answered " + response.statusCode(),
        java.util.OptionalInt.empty());
  }

  private static JsonNode parse(String text) {
    try {
      return Json.read(text); // numbers as the server wrote them: 1.10 stays 1.10
    } catch (DocumentException e) {
      throw new CliException("the server answered something that is not JSON");
    }
  }

  /**
   * A key typed by a person as a URL path: each '/'-separated segment percent-encoded, the '/'
   * kept. So {@code a/x?y} reaches the server as the key {@code a/x?y} (which it then judges)
   * instead of the key {@code a/x} with a query.
   */
  static String keyPath(String key) {
    StringJoiner joined = new StringJoiner("/");
    for (String segment : key.split("/", -1)) {
      joined.add(segment(segment));
    }
    return joined.toString();
  }

  /** One path segment, such as a device id, percent-encoded whole: a '/' in it is encoded too. */
  static String segment(String text) {
    return Paths.segment(text);
  }

  static Map<String, String> query(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        out.put(pairs[i], pairs[i + 1]);
      }
    }
    return out;
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringJoiner joined = new StringJoiner("&", "?", "");
    query.forEach((name, value) -> joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return joined.toString();
  }
}
