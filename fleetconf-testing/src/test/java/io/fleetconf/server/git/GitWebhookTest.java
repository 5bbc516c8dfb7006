package io.fleetconf.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.git.GitCredentials;
import io.fleetconf.git.GitSource;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestGit;
import io.fleetconf.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A source's webhook on a real server that polls only once an hour: a fetch after the first sync
 * can only come from a webhook. Signed the way GitHub, GitLab, Gitea and Forgejo sign.
 */
class GitWebhookTest {
  static final String SECRET = "It's a Secret to Everybody";
  static final Duration HOURLY = Duration.ofHours(1);
  static final String BOB = "Bob Stone <bob@example.org>";
  @TempDir Path dir;
  TestGit git;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void follow() throws Exception {
    git = TestGit.create(dir);
    git.write(Map.of("global/tv.yaml", "volume: 30\n", "devices.yaml", "vv-01:\n  groups: []\n"))
        .commit("Ana Lima <ana@example.org>", "fleet");
    git.push();
    Path secret = dir.resolve("webhook.secret");
    Files.writeString(secret, SECRET + "\n"); // as `echo` writes it: the line end is not part of the secret
    GitSource source = new GitSource("fleet", git.url(), "main", "");
    server = TestServer.on(dir.resolve("data")).withGit(new GitSettings(List.of(source), HOURLY,
        Map.of("fleet", new GitSettings.Access(GitCredentials.NONE, Optional.of(secret))))).startNow();
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(volume()).isEqualTo("30"));
  }

  @AfterEach
  void stop() {
    server.close();
    git.close();
  }

  String volume() {
    JsonNode config = server.get("/api/v1/devices/vv-01/config").json().path("config");
    return config.path("tv").path("volume").asText();
  }

  JsonNode source() {
    return server.get("/api/v1/git/sources").json().get("sources").get(0);
  }

  static String push(String branch) {
    return "{\"ref\": \"refs/heads/" + branch + "\", \"after\": \"0000000000000000000000000000000000000000\"}";
  }

  static String hmac(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Posts {@code body} to the source's webhook with these headers and no token, as a forge does. */
  HttpResponse<String> webhook(String source, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/git/sources/" + source
        + "/webhook")).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> github(String body) throws Exception {
    return webhook("fleet", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, body));
  }

  @Test
  void aPushReachesAWatchingDeviceWithinOneSecondOfAValidWebhook() throws Exception {
    long index = server.get("/api/v1/devices/vv-01/config").json().get("revision").asLong();
    CompletableFuture<TestServer.Reply> watch = server.getAsync("/api/v1/devices/vv-01/config?index=" + index);
    server.awaitHeldWatches(1);
    String louder = git.write("global/tv.yaml", "volume: 35\n").commit(BOB, "louder");
    git.push();

    long sent = System.nanoTime();
    HttpResponse<String> answer = github(push("main"));
    JsonNode config = watch.get(10, TimeUnit.SECONDS).json();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    assertThat(io.fleetconf.format.Json.read(answer.body()).toString()).isEqualTo("{\"source\":\"fleet\",\"fetch\":true}");
    assertThat(config.get("config").get("tv").get("volume").asText()).isEqualTo("35");
    // The status is set once the commit is in the store, just after the watch is answered.
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(source().get("applied").asText()).isEqualTo(louder));
    // The bound, checked with a poll interval of an hour: only the webhook can have fetched.
    assertThat(tookMs).isLessThan(1000);
  }

  @Test
  void aWebhookWithAWrongOrMissingSignatureDoesNothing() throws Exception {
    String lastFetch = source().get("lastFetch").asText();
    git.write("global/tv.yaml", "volume: 35\n").commit(BOB, "louder");
    git.push();
    String body = push("main");

    List<HttpResponse<String>> refused = new ArrayList<>();
    refused.add(webhook("fleet", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac("wrong", body)));
    refused.add(webhook("fleet", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", hmac(SECRET, body)));
    refused.add(webhook("fleet", body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET + "x"));
    refused.add(webhook("fleet", body, "X-Gitea-Event", "push", "X-Gitea-Signature", hmac(SECRET, body + " ")));
    refused.add(webhook("fleet", body, "X-Forgejo-Event", "push", "X-Forgejo-Signature", hmac(SECRET.substring(1), body)));
    // One good signature does not excuse a bad one beside it.
    refused.add(webhook("fleet", body, "X-Gitlab-Token", SECRET, "X-Gitea-Signature", hmac("wrong", body)));
    refused.add(webhook("fleet", body, "X-GitHub-Event", "push"));

    for (HttpResponse<String> answer : refused) {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
      JsonNode error = io.fleetconf.format.Json.read(answer.body());
      assertThat(error.get("error").asText()).isEqualTo("bad_signature");
      assertThat(error.get("message").asText()).startsWith("webhook of git source 'fleet' refused: ")
          .endsWith("; nothing was done").doesNotContain(SECRET);
    }
    assertThat(io.fleetconf.format.Json.read(refused.get(0).body()).get("message").asText()).isEqualTo(
        "webhook of git source 'fleet' refused: X-Hub-Signature-256 is not the body's HMAC-SHA256 with this source's"
            + " webhook secret; nothing was done");
    assertThat(io.fleetconf.format.Json.read(refused.get(6).body()).get("message").asText()).isEqualTo(
        "webhook of git source 'fleet' refused: the request is not signed: send X-Hub-Signature-256 (GitHub),"
            + " X-Gitlab-Token (GitLab), or X-Gitea-Signature / X-Forgejo-Signature (Gitea, Forgejo); nothing was done");
    // A refused call queues nothing (it is refused before), so the source has not fetched since.
    assertThat(source().get("lastFetch").asText()).isEqualTo(lastFetch);
    assertThat(volume()).isEqualTo("30");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gitlab", "gitea", "forgejo"})
  void gitlabGiteaAndForgejoPushesTriggerAFetch(String forge) throws Exception {
    git.write("global/tv.yaml", "volume: 36\n").commit(BOB, "from " + forge);
    git.push();
    String body = push("main");
    HttpResponse<String> answer = switch (forge) {
      case "gitlab" -> webhook("fleet", body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET);
      case "gitea" -> webhook("fleet", body, "X-Gitea-Event", "push", "X-Gitea-Signature", hmac(SECRET, body));
      default -> webhook("fleet", body, "X-Forgejo-Event", "push", "X-Forgejo-Signature", hmac(SECRET, body));
    };
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(volume()).isEqualTo("36"));
  }

  @Test
  void aPingOrAPushToAnotherBranchIsAnsweredWithoutAFetch() throws Exception {
    String lastFetch = source().get("lastFetch").asText();
    String ping = "{\"zen\": \"Keep it logically awesome.\"}";
    HttpResponse<String> pinged = webhook("fleet", ping, "X-GitHub-Event", "ping", "X-Hub-Signature-256",
        "sha256=" + hmac(SECRET, ping));
    assertThat(pinged.statusCode()).isEqualTo(200);
    assertThat(io.fleetconf.format.Json.read(pinged.body()).toString()).isEqualTo("{\"source\":\"fleet\",\"fetch\":false,\"reason\":\"a 'ping' event, not a push\"}");

    HttpResponse<String> other = github(push("feature/x"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(io.fleetconf.format.Json.read(other.body()).toString())
        .isEqualTo("{\"source\":\"fleet\",\"fetch\":false,\"reason\":\"a push to refs/heads/feature/x, not to main\"}");
    assertThat(source().get("lastFetch").asText()).isEqualTo(lastFetch);
  }

  @Test
  void aBodyOverTheLimitIs413AndAnUnknownSourceIs404() throws Exception {
    String huge = "{\"ref\": \"refs/heads/main\", \"pad\": \"" + "x".repeat(Webhook.MAX_BODY_BYTES) + "\"}";
    HttpResponse<String> tooLarge = github(huge);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("\"too_large\"");

    HttpResponse<String> unknown = webhook("radio", "{}", "X-Gitlab-Token", SECRET);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(volume()).isEqualTo("30");
  }
}
