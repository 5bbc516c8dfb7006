package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the crash tests share: server processes, clients and threads that are killed or closed
 * after each test, and a keep-alive HTTP client for one server.
 */
abstract class CrashTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  final List<ExecutorService> executors = new CopyOnWriteArrayList<>();

  @AfterEach
  void killEverything() {
    executors.forEach(ExecutorService::shutdownNow);
    closeables.forEach(closeable -> {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // clean-up: keep going
      }
    });
    servers.forEach(ServerProcess::close);
  }

  /** Every change set, oldest first, a page of 1,000 at a time. */
  static List<JsonNode> history(Api api) throws IOException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    String path = "/api/v1/history?limit=1000";
    while (true) {
      JsonNode page = api.get(path).get("changeSets");
      if (page.isEmpty()) {
        break;
      }
      page.forEach(all::add);
      path = "/api/v1/history?limit=1000&before=" + page.get(page.size() - 1).get("revision").asLong();
    }
    Collections.reverse(all);
    return all;
  }

  Api api(URI base, String token) {
    Api api = new Api(base, token);
    closeables.add(api);
    return api;
  }

  ExecutorService executor() {
    ExecutorService executor = Executors.newCachedThreadPool();
    executors.add(executor);
    return executor;
  }

  static void awaitTrue(Eventually.Condition check, String what) {
    Eventually.eventually(Duration.ofSeconds(20), what, check);
  }

  /** One HTTP/1.1 client with a keep-alive connection, calling one server with one token. */
  static final class Api implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String token;

    Api(URI base, String token) {
      this.base = base;
      this.token = token;
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token);
      if (json == null) {
        request.GET();
      } else {
        request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      http.shutdownNow();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
      HttpResponse<String> response = send("GET", path, null);
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    }
  }
}
