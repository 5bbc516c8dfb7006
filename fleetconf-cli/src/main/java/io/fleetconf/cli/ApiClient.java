package io.fleetconf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final URI base;
  private final String token;

  ApiClient(String address, String token, java.util.Optional<java.nio.file.Path> caFile) {
    this.base = URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
    this.token = token;
    try {
      this.http = new io.fleetconf.client.Credentials(java.util.Optional.empty(), java.util.Optional.empty(), caFile)
          .httpClient(Duration.ofSeconds(5));
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
      throw new CliException(errorMessage(response));
    }
    return response.body();
  }

  private static String errorMessage(HttpResponse<String> response) {
    try {
      JsonNode error = JSON.readTree(response.body());
      if (error.hasNonNull("message")) {
        return error.get("message").asText() + " (" + response.statusCode() + ")";
      }
    } catch (JsonProcessingException ignored) {
      // not our error shape; fall through to the status
    }
    return "the server answered " + response.statusCode();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CliException("the server answered something that is not JSON");
    }
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
