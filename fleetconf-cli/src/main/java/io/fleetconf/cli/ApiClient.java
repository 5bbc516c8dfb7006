package io.fleetconf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.api.Paths;
import io.fleetconf.client.Credentials;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.format.DocumentException;
import io.fleetconf.format.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The admin verbs' view of the native API: one call, one JSON answer, errors as one line. A call
 * goes over {@link HttpURLConnection}, which a process that makes a call or two starts far faster
 * than {@link HttpClient} (docs/performance.md, "Command line"); HttpClient only for PATCH, which
 * HttpURLConnection does not send. TLS is set up at the first https call, from the client
 * library's settings, the same for both.
 */
final class ApiClient {
  /** Writes trees as read: numbers keep their text, and a deep value an older server stored prints. */
  static final ObjectMapper JSON = Json.mapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final URI base;
  private final String token;
  private final Credentials credentials;
  private SSLSocketFactory sockets;

  /** Tells the server that a person typed this, so that history records the source {@code cli}. */
  static final String SOURCE_HEADER = "X-Fleetconf-Source";

  /** What the server answered. */
  private record Reply(int status, String body) {}

  ApiClient(String address, String token, java.util.Optional<java.nio.file.Path> caFile) {
    try {
      this.base = URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
    } catch (IllegalArgumentException e) {
      throw notAUrl(address);
    }
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
      throw notAUrl(address);
    }
    this.token = token;
    this.credentials = caFile.map(Credentials.none()::withCaFile).orElse(Credentials.none());
  }

  private static CliException notAUrl(String address) {
    return new CliException("--addr '" + address + "' is not a URL such as https://127.0.0.1:8585");
  }

  JsonNode get(String path, Map<String, String> query) {
    return parse(exchange("GET", path, query, null));
  }

  String getText(String path, Map<String, String> query) {
    return exchange("GET", path, query, null);
  }

  JsonNode send(String method, String path, Map<String, String> query, JsonNode body) {
    return parse(exchange(method, path, query, body == null ? null : body.toString()));
  }

  private String exchange(String method, String path, Map<String, String> query, String body) {
    if (token == null || token.isBlank()) {
      throw new CliException("no token: pass --token or set FLEETCONF_TOKEN");
    }
    URI uri = URI.create(base + path + queryString(query));
    Reply reply;
    try {
      reply = method.equals("PATCH") ? patch(uri, body) : call(method, uri, body);
    } catch (ConnectException | UnknownHostException e) {
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
    if (reply.status() >= 400) {
      throw refusal(reply);
    }
    return reply.body();
  }

  /**
   * One call on a connection of its own, closed after it (no idle connection is reused, so none
   * can have been closed by the server meanwhile). A body, even an empty one, is streamed: the JDK
   * sends a streamed request once, where it would silently send a buffered one again when the
   * first try fails after it was sent, and a write would then commit twice. Redirects are not
   * followed, as HttpClient by default; no proxy, as HttpClient without a ProxySelector. The JDK
   * drops the body of a 401 to a streamed request: the server refuses a token the same on every
   * path, before it does anything, so its reason is asked again with a GET of whoami.
   */
  private Reply call(String method, URI uri, String body) throws IOException {
    if (uri.getScheme().equals("https")) {
      // HttpsURLConnection's constructor takes the default factory, made by SSLContext.getDefault(), which
      // reads and parses the JDK's whole trust store (25 ms a call) for a factory replaced right after.
      HttpsURLConnection.setDefaultSSLSocketFactory(sockets());
    }
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
    try {
      if (connection instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(sockets());
      }
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) TIMEOUT.toMillis());
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestMethod(method);
      connection.setRequestProperty("Authorization", "Bearer " + token);
      connection.setRequestProperty(SOURCE_HEADER, "cli");
      if (!method.equals("GET")) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (in == null && status == 401 && !method.equals("GET")) {
        return call("GET", URI.create(base + Paths.WHOAMI), null); // see below
      }
      try (in) {
        return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      connection.disconnect();
    }
  }

  /** A PATCH, over HttpClient: HttpURLConnection has no PATCH. */
  private Reply patch(URI uri, String body) throws IOException, InterruptedException {
    HttpClient http = ClientPlumbing.get().httpClient(credentials, CONNECT_TIMEOUT);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header(SOURCE_HEADER, "cli")
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body == null ? "" : body, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(response.statusCode(), response.body());
  }

  /** TLS as the client library sets it up, made at the first https call (the trust store takes a while). */
  private SSLSocketFactory sockets() {
    if (sockets == null) {
      try {
        sockets = ClientPlumbing.get().socketFactory(credentials);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
    return sockets;
  }

  private static CliException refusal(Reply reply) {
    java.util.OptionalInt status = java.util.OptionalInt.of(reply.status());
    try {
      java.util.Optional<ErrorBody> error = ErrorBody.from(JSON.readTree(reply.body()));
      if (error.isPresent()) {
        return new CliException(error.get().error(), error.get().message(), status);
      }
    } catch (JsonProcessingException ignored) {
      // not our error shape; fall through to the status
    }
    return new CliException("http_" + reply.status(), "the server answered " + reply.status(),
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
