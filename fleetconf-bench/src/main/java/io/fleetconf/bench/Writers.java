package io.fleetconf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * fleetconf's durable writes as {@link ClosedLoop} calls: each writer, with its own keep-alive
 * HTTP/1.1 connection ({@link RawHttp}, or the JDK's {@code HttpClient} with {@code jdk}), sends {@code PUT /api/v1/entries/global/bench/w<i>_<n>} back to back (the next
 * as soon as the last is answered). The value, {@code {"writer":i,"n":n}}, differs every time, so
 * every PUT is a change set, never a no-op. A change set counts when its answer is 2xx; any other
 * status is refused.
 */
final class Writers implements ClosedLoop.Calls<Writers.Client> {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int KEPT_PROBLEMS = 5;

  private final URI base;
  private final String token;
  private final int keys;
  private final boolean jdk;
  private final List<String> firstProblems = new ArrayList<>();

  /** With {@code keysPerWriter} 0, each change set writes a new key; with K, writer i cycles over K keys of its own. */
  Writers(URI base, String token, int keysPerWriter, WritesSettings.Client client) {
    this.base = base;
    this.token = token;
    this.keys = keysPerWriter;
    this.jdk = client == WritesSettings.Client.JDK;
  }

  /** One writer's connection: a PUT of a JSON body, answering the status and the body. */
  interface Client extends AutoCloseable {
    Answer put(String path, String json) throws IOException, InterruptedException;

    @Override
    void close();
  }

  record Answer(int status, String body) {}

  @Override
  public Client open() {
    if (!jdk) {
      RawHttp raw = new RawHttp(base, token);
      return new Client() {
        @Override
        public Answer put(String path, String json) throws IOException {
          int status = raw.send("PUT", path, json.getBytes(StandardCharsets.UTF_8));
          return new Answer(status, status / 100 == 2 ? "" : raw.body());
        }

        @Override
        public void close() {
          raw.close();
        }
      };
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
    return new Client() {
      @Override
      public Answer put(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  @Override
  public void make(Client client, int writer, long n) throws IOException, InterruptedException, ClosedLoop.Refused {
    Answer answer = client.put("/api/v1/entries/global/bench/w" + writer + "_" + (keys == 0 ? n : (n - 1) % keys + 1),
        "{\"writer\":" + writer + ",\"n\":" + n + "}");
    if (answer.status() / 100 != 2) {
      throw new ClosedLoop.Refused("HTTP " + answer.status() + ": " + answer.body());
    }
  }

  @Override
  public synchronized void problem(int writer, Exception problem) {
    if (firstProblems.size() < KEPT_PROBLEMS) {
      String what = problem instanceof ClosedLoop.Refused ? problem.getMessage() : problem.toString();
      firstProblems.add("writer " + writer + ": " + what.replaceAll("\\s+", " "));
    }
  }

  /** The first five problems, one line each: a non-2xx answer, or a request that failed. */
  synchronized List<String> firstProblems() {
    return List.copyOf(firstProblems);
  }
}
