package io.fleetconf.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.util.Map;

/**
 * A real server on a loopback port with a temp SQLite file, and a small HTTP client that
 * authenticates with the admin token the server made on first start.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension TestServer server = TestServer.fresh()}) it
 * runs one server per test, or one per class when the field is static.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback, AfterEachCallback {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Path dataDir;
  private final boolean demo;
  private boolean perClass;
  private HttpClient http = HttpClient.newHttpClient();
  private ServerSettings.Transport transport = new ServerSettings.Transport.PlainHttp();
  private io.fleetconf.server.security.Limits limits = io.fleetconf.server.security.Limits.NONE;
  private FleetServer server;
  private String token;

  private int watchHistory = io.fleetconf.server.Replica.DEFAULT_WATCH_HISTORY;
  private int port;
  private java.util.Optional<String> storeUrl = java.util.Optional.empty();
  private java.util.Optional<Path> masterKeyFile = java.util.Optional.empty();
  private String consulRoot = io.fleetconf.core.Key.ROOT;
  private io.fleetconf.server.security.Acl anonymousPolicy = io.fleetconf.server.security.Acl.NONE;
  private io.fleetconf.server.git.GitSettings git = io.fleetconf.server.git.GitSettings.NONE;

  private TestServer(Path dataDir, boolean demo) {
    this.dataDir = dataDir;
    this.demo = demo;
  }

  /** Remembers only {@code changeSets} recent change sets for raw-key watches. */
  public TestServer withWatchHistory(int changeSets) {
    this.watchHistory = changeSets;
    return this;
  }

  /** Serves HTTPS with the certificate the server makes; the test client trusts the fleet CA. */
  public TestServer tls() {
    this.transport = new ServerSettings.Transport.SelfMadeTls();
    return this;
  }

  private java.time.Duration certificateValidity = io.fleetconf.server.security.Certificates.DEFAULT_VALIDITY;

  /** Issues device certificates good for only this long (renewal tests). */
  public TestServer withCertificateValidity(java.time.Duration validity) {
    this.certificateValidity = validity;
    return this;
  }

  /** Enforces {@code limits} (the default here is none, so that tests may hammer the server). */
  public TestServer withLimits(io.fleetconf.server.security.Limits newLimits) {
    this.limits = newLimits;
    return this;
  }

  /**
   * Keeps the data in {@code url} (e.g. a PostgreSQL schema from {@code TestDatabases.freshSchema()})
   * instead of the SQLite file in the data directory: several servers on one URL are replicas.
   */
  public TestServer withStore(String url) {
    this.storeUrl = java.util.Optional.of(url);
    return this;
  }

  /** Reads the master key from {@code file}: replicas of one store must all have the same key. */
  public TestServer withMasterKeyFile(Path file) {
    this.masterKeyFile = java.util.Optional.of(file);
    return this;
  }

  /** Serves the layered keys under {@code root} in the Consul API ({@code <root>/global/...}). */
  public TestServer withConsulRoot(String root) {
    this.consulRoot = root;
    return this;
  }

  /** Follows these Git sources (docs/gitops.md). */
  public TestServer withGit(io.fleetconf.server.git.GitSettings following) {
    this.git = following;
    return this;
  }

  /** Lets requests to the Consul API without a token do what {@code rules} allow. */
  public TestServer withAnonymousPolicy(String... rules) {
    this.anonymousPolicy = new io.fleetconf.server.security.Acl(java.util.List.of(rules));
    return this;
  }

  /**
   * Sends requests with {@code bearer} from now on: a replica joining a store that already has
   * tokens makes no admin token of its own, so it is given the first replica's.
   */
  public TestServer withToken(String bearer) {
    this.token = bearer;
    return this;
  }

  /** A server on {@code dataDir} not started yet: configure it with the {@code with...} methods, then {@link #startNow()}. */
  public static TestServer on(Path dataDir) {
    return new TestServer(dataDir, false);
  }

  /** Starts a server made with {@link #on}; close it yourself. */
  public TestServer startNow() {
    start();
    return this;
  }

  /** Starts a server now on {@code dataDir} over HTTPS; close it yourself. */
  public static TestServer startTls(Path dataDir) {
    TestServer server = new TestServer(dataDir, false).tls();
    server.start();
    return server;
  }

  /** Starts a server now on {@code dataDir}; close it yourself. */
  public static TestServer start(Path dataDir) {
    TestServer server = new TestServer(dataDir, false);
    server.start();
    return server;
  }

  /** Starts a server now on {@code dataDir}, seeded with the demo fleet. */
  public static TestServer startDemo(Path dataDir) {
    TestServer server = new TestServer(dataDir, true);
    server.start();
    return server;
  }

  /** A server for a JUnit extension field, on a fresh temp directory for each test (or class). */
  public static TestServer fresh() {
    return new TestServer(null, false);
  }

  /** As {@link #fresh()}, seeded with the demo fleet. */
  public static TestServer freshDemo() {
    return new TestServer(null, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    perClass = true;
    startFresh();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAndDelete();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (!perClass) {
      startFresh();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stopAndDelete();
    }
  }

  private void startFresh() throws IOException {
    dataDir = Files.createTempDirectory("fleetconf-test");
    start();
  }

  private void stopAndDelete() {
    close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private ServerSettings settings(int onPort) {
    ServerSettings settings = ServerSettings.of("127.0.0.1", onPort, dataDir).withDemo(demo)
        .withWatchHistory(watchHistory).withTransport(transport).withLimits(limits)
        .withCertificateValidity(certificateValidity).withConsulRoot(consulRoot)
        .withAnonymousPolicy(anonymousPolicy).withGit(git);
    if (storeUrl.isPresent()) {
      settings = settings.withStore(io.fleetconf.store.StoreUrl.parse(storeUrl.get(), java.util.Optional.empty()));
    }
    return masterKeyFile.map(settings::withMasterKeyFile).orElse(settings);
  }

  private void start() {
    server = FleetServer.start(settings(0));
    server.bootstrapToken().ifPresent(t -> token = t);
    http = client(java.util.Optional.empty());
  }

  /** An HTTP client that trusts the fleet CA (when serving TLS) and presents {@code identity}, if given. */
  public HttpClient client(java.util.Optional<TestTls.Identity> identity) {
    if (server.caFile().isEmpty() || !uri().getScheme().equals("https")) {
      return HttpClient.newHttpClient();
    }
    return HttpClient.newBuilder()
        .sslContext(TestTls.context(server.caFile(), identity))
        .sslParameters(TestTls.parameters())
        .build();
  }

  /** The fleet CA's certificate file (servers with TLS). */
  public Path caFile() {
    return server.caFile().orElseThrow();
  }

  /** Waits (up to 20 s) until the server holds exactly {@code watches} watches, then asserts it does. */
  public void awaitHeldWatches(int watches) throws InterruptedException {
    Eventually.eventually(java.time.Duration.ofSeconds(20),
        () -> org.assertj.core.api.Assertions.assertThat(server.heldWatches()).isEqualTo(watches));
  }

  public FleetServer server() {
    return server;
  }

  /** Stops the server and starts it again on the same data directory (and a new port). */
  public void restart() {
    server.close();
    start();
  }

  /** Stops the server; {@link #startAgainOnSamePort()} brings it back where clients expect it. */
  public void stop() {
    port = server.port();
    server.close();
  }

  public void startAgainOnSamePort() {
    server = FleetServer.start(settings(port));
  }

  public URI uri() {
    return server.uri();
  }

  public String token() {
    return token;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** An HTTP answer: status, headers, body. */
  public record Reply(int status, Map<String, java.util.List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }
  }

  public Reply get(String path) {
    return send("GET", path, null, null);
  }

  public Reply put(String path, String json) {
    return send("PUT", path, json, "application/json");
  }

  public Reply post(String path, String json) {
    return send("POST", path, json, "application/json");
  }

  public Reply patch(String path, String json) {
    return send("PATCH", path, json, "application/json");
  }

  public Reply delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Reply send(String method, String path, String body, String contentType) {
    return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), contentType,
        "Bearer " + token);
  }

  /** The raw form: any bytes, any content type, any Authorization (null for none). */
  public Reply send(String method, String path, byte[] body, String contentType, String authorization) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    return sendWith(method, path, body, headers);
  }

  /** With exactly these headers and no token unless they carry one (a console session's cookie, say). */
  public Reply sendWith(String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a GET and returns at once; the reply comes when the server answers (a long-poll). */
  public java.util.concurrent.CompletableFuture<Reply> getAsync(String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(uri() + path))
        .header("Authorization", "Bearer " + token).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> new Reply(response.statusCode(), response.headers().map(), response.body()));
  }

  /** Opens a Server-Sent Events stream; its lines arrive in the returned queue as they come. */
  public java.util.concurrent.BlockingQueue<String> events(String path, String lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri() + path))
        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(response -> Thread.ofVirtual().start(() -> response.body().forEach(lines::add)));
    return lines;
  }

  /** The server's current revision, from the health endpoint. */
  public long revision() {
    return get("/api/v1/health").json().get("revision").asLong();
  }

  @Override
  public void close() {
    server.close();
  }
}
