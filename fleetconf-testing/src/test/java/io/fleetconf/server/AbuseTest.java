package io.fleetconf.server;

import static io.fleetconf.server.RawRequests.exchange;
import static io.fleetconf.server.RawRequests.sendAlone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Abuse over real HTTPS: oversized, deeply nested and malformed bodies, path and header tricks
 * (floods and limits: {@link LimitsTest}). Each gets a 4xx or a closed connection, stores
 * nothing, and the server stays up. Every abusive write carries the admin token, so that the abuse
 * alone stands between it and the store.
 *
 * <p>Refused requests go on a connection of their own ({@link RawRequests#sendAlone}): a refusal
 * that leaves the body unread can stall the next request on its connection (see
 * {@link #connectionStaysUsableAfterARefusalThatLeftTheBodyUnread}).
 */
class AbuseTest {
  @RegisterExtension static final TestServer server = TestServer.fresh().tls();
  @RegisterExtension static final TestServer lenient = TestServer.fresh().tls();

  private static final String KEY = "/api/v1/entries/global/a/b";
  private static final String CHANGES = "/api/v1/changes";
  private static final String JSON = "application/json";
  private static long revisionBefore;
  private static String entriesBefore;
  private static String revokedToken;
  private static String enrolmentToken;

  @BeforeAll
  static void seed() {
    server.put(KEY, "1");
    server.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    Reply revoked = server.post("/api/v1/tokens", "{\"identity\": \"gone\", \"rules\": [\"admin\"]}");
    server.delete("/api/v1/tokens/" + revoked.json().get("id").asText());
    revokedToken = revoked.json().get("token").asText();
    enrolmentToken = server.post("/api/v1/tokens", "{\"kind\": \"enrolment\", \"device\": \"vv-1\"}")
        .json().get("token").asText();
    revisionBefore = server.revision();
    entriesBefore = server.get("/api/v1/entries?recurse=true").body();
  }

  @AfterEach
  void nothingStoredAndStillUp() {
    Reply health = server.get("/api/v1/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("revision").asLong()).isEqualTo(revisionBefore);
    assertThat(server.get("/api/v1/entries?recurse=true").body()).isEqualTo(entriesBefore);
  }

  /** One abusive request; a {@code null} authorization stands for the admin token. */
  record Abuse(String method, String path, String contentType, byte[] body, String authorization) {
    static Abuse put(String path, String contentType, String body) {
      return new Abuse("PUT", path, contentType, body.getBytes(StandardCharsets.UTF_8), null);
    }
  }

  static Stream<Arguments> refusedByTheApi() {
    String deep = "[".repeat(100_000);
    String depthError = " document is nested deeper than 108 levels; a value may nest objects and arrays at most 100 levels deep";
    return Stream.of(
        refused(Abuse.put(KEY, JSON, "\"" + "x".repeat(600 * 1024) + "\""), 413, "too_large",
            "request body is larger than the 524288-byte limit"),
        refused(batch("\"" + "x".repeat(9 * 1024 * 1024) + "\""), 413, "too_large",
            "request body is larger than the 8388608-byte limit"),
        refused(batch("\"" + "x".repeat(600 * 1024) + "\""), 413, "too_large",
            "operations[0].value is larger than the 524288-byte limit"),
        refused(Abuse.put(KEY, JSON, deep), 400, "invalid_document", "the JSON" + depthError),
        refused(Abuse.put(KEY, JSON, "{\"a\":".repeat(2000) + "1" + "}".repeat(2000)), 400, "invalid_document",
            "the JSON" + depthError),
        refused(Abuse.put(KEY, "application/yaml", deep), 400, "invalid_document", "the YAML" + depthError),
        refused(batch(deep), 400, "invalid_document", "the JSON" + depthError),
        refused(Abuse.put(KEY, JSON, "{\"a\":}"), 400, "invalid_document",
            "malformed JSON at line 1, column 6: Unexpected character ('}'"),
        refused(new Abuse("POST", CHANGES, JSON, "{\"operations\":[".getBytes(StandardCharsets.UTF_8), null), 400,
            "invalid_document", "malformed JSON at line 1, column 16: Unexpected end-of-input"),
        refused(Abuse.put(KEY, "application/yaml", billionLaughs()), 400, "invalid_document",
            "malformed YAML at line 2, column 19: aliases are not supported (found *lol0)"),
        refused(Abuse.put(KEY, "application/yaml", "a: 1\n---\nb: 2\n"), 400, "invalid_document",
            "malformed YAML at line 3, column 1: unexpected content after the document"),
        refused(Abuse.put(KEY, "application/x-www-form-urlencoded", "a=1"), 415, "unsupported_media_type",
            "cannot take a value as 'application/x-www-form-urlencoded'"),
        refused(new Abuse("POST", CHANGES, "application/yaml", "operations: []".getBytes(StandardCharsets.UTF_8), null),
            415, "unsupported_media_type", "send application/json, not 'application/yaml'"),
        refused(path("/api/v1/entries/global/%2e%2e/x"), 400, "invalid_key",
            "key path '../x' must not contain '..' segments"),
        refused(path("/api/v1/entries/global/..%2fsecret"), 400, "invalid_key",
            "key path '../secret' must not contain '..' segments"),
        refused(path("/api/v1/entries/%2e%2e/%2e%2e/x"), 400, "invalid_scope", "unknown scope '..' in '../../x'"),
        refused(path("/api/v1/entries/devices/..%2f..%2fx/a"), 400, "invalid_device_id",
            "device id '..' must not contain '..' segments"),
        refused(path("/api/v1/entries/global/a%00b"), 400, "invalid_key", "illegal character in segment 'a\\u0000b'"),
        refused(path("/api/v1/entries/global/" + "a".repeat(10_000)), 414, "uri_too_long",
            "the request path is longer than 4096 characters"),
        refused(path("/api/v1/entries/global/a/" + "k".repeat(129)), 400, "invalid_key",
            "has a segment longer than 128 characters"),
        refused(path("/api/v1/entries/global/" + ("a".repeat(100) + "/").repeat(5) + "a".repeat(100)), 400,
            "invalid_key", "key path is longer than 512 characters"),
        refused(path("/api/v1/entries/global/a%5Cb"), 400, "invalid_key", "illegal character in segment 'a\\b'"),
        refused(path("/api/v1/entries/global/a%5C..%5Cb"), 400, "invalid_key",
            "illegal character in segment 'a\\..\\b'"),
        refused(path("/api/v1/entries/global//a"), 400, "invalid_key", "key path '/a' has an empty segment"),
        refused(path("/api/v1/entries/global/a//b"), 400, "invalid_key", "key path 'a//b' has an empty segment"),
        refused(path("//api/v1/entries/global/a/b"), 400, "bad_request", "the request target must be a path"),
        refused(path("/api/v1/entries/global/a%1Bb"), 400, "invalid_key", "illegal character in segment 'a\\u001bb'"),
        refused(path("/api/v1/entries/global/a%0D%0Ab"), 400, "invalid_key",
            "illegal character in segment 'a\\u000d\\u000ab'"),
        refused(path("/api/v1/entries/global/a%7Fb"), 400, "invalid_key", "illegal character in segment 'a\\u007fb'"),
        refused(path("/api/v1/entries/global/a%E2%80%AEb"), 400, "invalid_key",
            "illegal character in segment 'a\u202eb'"),
        refused(path("/api/v1/entries/global/a%FFb"), 400, "invalid_key", "illegal character in segment 'a\ufffdb'"),
        refused(path("/api/v1/entries/global/a%C0%AEb"), 400, "invalid_key", "illegal character in segment"),
        refused(new Abuse("PUT", KEY, JSON, "2".getBytes(StandardCharsets.UTF_8), "Bearer " + "x".repeat(100 * 1024)),
            401, "unauthorized", "the bearer token is not valid"),
        refused(new Abuse("FROBNICATE", KEY, JSON, "2".getBytes(StandardCharsets.UTF_8), null), 405,
            "method_not_allowed", "FROBNICATE is not allowed on /api/v1/entries/global/a/b"));
  }

  private static Abuse batch(String value) {
    return new Abuse("POST", CHANGES, JSON, ("{\"operations\": [{\"op\": \"put\", \"key\": \"global/a/b\", \"value\": "
        + value + "}]}").getBytes(StandardCharsets.UTF_8), null);
  }

  private static Abuse path(String path) {
    return Abuse.put(path, JSON, "2");
  }

  /** Nine levels of ten aliases each: a billion "lol"s if a parser expanded them. */
  private static String billionLaughs() {
    StringBuilder yaml = new StringBuilder("lol0: &lol0 \"lol\"\n");
    for (int level = 1; level <= 9; level++) {
      yaml.append("lol").append(level).append(": &lol").append(level).append(" [")
          .append(String.join(", ", Collections.nCopies(10, "*lol" + (level - 1)))).append("]\n");
    }
    return yaml.toString();
  }

  private static Arguments refused(Abuse abuse, int status, String code, String message) {
    String name = abuse.method() + " " + abuse.path().substring(0, Math.min(60, abuse.path().length()))
        + (abuse.body().length > 60 ? " (" + abuse.body().length + " bytes)" : "");
    return Arguments.of(name, abuse, status, code, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByTheApi")
  void refusedWithA4xx(String name, Abuse abuse, int status, String code, String message) {
    String authorization = abuse.authorization() == null ? "Bearer " + server.token() : abuse.authorization();
    Reply reply = sendAlone(server, abuse.method(), abuse.path(), abuse.body(), abuse.contentType(), authorization);
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json().fieldNames()).toIterable().containsExactly("error", "message");
    assertThat(reply.json().get("error").asText()).isEqualTo(code);
    assertThat(reply.json().get("message").asText()).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8IsRefused(String name, String method, String path, String contentType, byte[] body) {
    Reply reply = sendAlone(server, method, path, body, contentType, "Bearer " + server.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_encoding");
    assertThat(reply.json().get("message").asText()).isEqualTo("the request body is not valid UTF-8");
  }

  static Stream<Arguments> invalidUtf8() {
    byte[] batch = "{\"operations\": [{\"op\": \"put\", \"key\": \"global/a/b\", \"value\": \"\u00ff\"}]}"
        .getBytes(StandardCharsets.ISO_8859_1);
    return Stream.of(
        Arguments.of("JSON value", "PUT", KEY, JSON, new byte[] {'"', 'a', (byte) 0xff, (byte) 0xfe, '"'}),
        Arguments.of("YAML value", "PUT", KEY, "application/yaml", new byte[] {'a', ':', ' ', (byte) 0xc3, '('}),
        Arguments.of("text value", "PUT", KEY, "text/plain", new byte[] {'a', (byte) 0xc0, (byte) 0xae}),
        Arguments.of("change set", "POST", CHANGES, JSON, batch));
  }

  /** A one-byte PUT to {@code target} as written on the wire, with {@code headers} (each ending in CRLF). */
  private static String rawPut(String target, String headers) {
    return "PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + headers + "Content-Length: 1\r\n\r\n2";
  }

  private static String admin() {
    return "Authorization: Bearer " + server.token() + "\r\n";
  }

  static Stream<Arguments> answeredOnTheWire() {
    String head = "Host: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n" + admin();
    return Stream.of(
        Arguments.of("bare LF in a header, then a smuggled request line",
            rawPut(KEY, admin() + "X-Note: x\nPUT /api/v1/entries/global/a/smuggled HTTP/1.1\r\n"), 400),
        Arguments.of("CRLF in a header, then a smuggled request line",
            rawPut(KEY, admin() + "X-Note: x\r\nPUT /api/v1/entries/global/a/smuggled HTTP/1.1\r\n"), 400),
        Arguments.of("bare CR in a header, hiding a second header in the first one's value",
            rawPut(KEY, "X-Note: x\rAuthorization: Bearer " + server.token() + "\r\n"), 400),
        Arguments.of("Authorization folded into the header before it",
            rawPut(KEY, "X-Note: x\r\n Authorization: Bearer " + server.token() + "\r\n"), 401),
        Arguments.of("space before the colon of Authorization",
            rawPut(KEY, "Authorization : Bearer " + server.token() + "\r\n"), 400),
        Arguments.of("NUL in the path", rawPut("/api/v1/entries/global/a\0b", admin()), 400),
        Arguments.of("raw backslashes in the path", rawPut("/api/v1/entries/global/a\\..\\b", admin()), 400),
        Arguments.of("raw dot-dot segments", rawPut("/api/v1/entries/global/a/../../../x", admin()), 400),
        Arguments.of("broken percent-encoding", rawPut("/api/v1/entries/global/a%2", admin()), 400),
        Arguments.of("a 10,000-character path", rawPut("/api/v1/entries/global/" + "a".repeat(10_000), admin()), 414),
        Arguments.of("a 100,000-character method",
            "X".repeat(100_000) + " " + KEY + " HTTP/1.1\r\n" + head + "Content-Length: 1\r\n\r\n2", 414),
        Arguments.of("a method with symbols", "P<T " + KEY + " HTTP/1.1\r\n" + head + "Content-Length: 1\r\n\r\n2", 400),
        Arguments.of("a lower-case method", "put " + KEY + " HTTP/1.1\r\n" + head + "Content-Length: 1\r\n\r\n2", 405),
        Arguments.of("Content-Length and Transfer-Encoding both", "PUT " + KEY + " HTTP/1.1\r\n" + head
            + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n2\r\n0\r\n\r\n", 400),
        Arguments.of("two Content-Lengths",
            "PUT " + KEY + " HTTP/1.1\r\n" + head + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n23", 400),
        Arguments.of("a negative Content-Length",
            "PUT " + KEY + " HTTP/1.1\r\n" + head + "Content-Length: -5\r\n\r\n2", 400),
        Arguments.of("a malformed chunk size",
            "PUT " + KEY + " HTTP/1.1\r\n" + head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n2\r\n0\r\n\r\n", 400),
        Arguments.of("bytes that are not HTTP", "\0\1\2\3 hello\r\n\r\n", 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answeredOnTheWire")
  void rawRequestGetsA4xx(String name, String request, int status) throws IOException {
    String answer = exchange(server, request);
    assertThat(answer).as(answer).startsWith("HTTP/1.1 " + status + " ");
  }

  static Stream<Arguments> overTheHeaderCaps() {
    StringBuilder manyHeaders = new StringBuilder(admin());
    IntStream.range(0, 201).forEach(i -> manyHeaders.append("X-Header-").append(i).append(": v\r\n"));
    return Stream.of(
        Arguments.of("201 headers", rawPut(KEY, manyHeaders.toString())),
        Arguments.of("a 1 MiB header", rawPut(KEY, admin() + "X-Note: " + "x".repeat(1024 * 1024) + "\r\n")),
        Arguments.of("a 400 KiB bearer token", rawPut(KEY, "Authorization: Bearer " + "x".repeat(400 * 1024) + "\r\n")));
  }

  /** Over the header caps (200 fields, 384 KiB): 431, before any handler or authentication runs. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("overTheHeaderCaps")
  void rawRequestOverTheHeaderCapsGets431(String name, String request) throws IOException {
    assertThat(exchange(server, request)).startsWith("HTTP/1.1 431 ");
  }

  /**
   * A tab between the parts of the request line is read as a space, as RFC 9112 section 3 lets a
   * server do (the framing, Content-Length and Transfer-Encoding, stays strict): the request is
   * the PUT it spells. On a server of its own, since it changes something.
   */
  @Test
  void aTabInTheRequestLineSeparatesLikeASpace() throws IOException {
    String answer = exchange(lenient, "PUT\t" + KEY + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Connection: close\r\nAuthorization: Bearer " + lenient.token() + "\r\nContent-Length: 1\r\n\r\n2");
    assertThat(answer).startsWith("HTTP/1.1 200 ");
    assertThat(lenient.get(KEY).json().get("value").asInt()).isEqualTo(2);
  }

  @Test
  void targetStartingWithTwoSlashesIsNotReadAsAHost() throws IOException {
    String answer = exchange(server, rawPut("//evil" + KEY, admin()));
    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("the request target must be a path starting with a single '/'");
  }

  /** A refusal must not leave the rest of an unread body to be read as the next request on the connection. */
  @Test
  void connectionStaysUsableAfterARefusalThatLeftTheBodyUnread() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      for (int i = 0; i < 60; i++) {
        Reply reply = server.send("PUT", KEY, "2".getBytes(StandardCharsets.UTF_8), JSON, "Bearer fc_wrong");
        assertThat(reply.status()).isEqualTo(401);
      }
    });
  }

  @Test
  void badCredentialsAreCountedAndNeverLogged() {
    String basic = "Basic " + Base64.getEncoder().encodeToString("admin:hunter2-in-basic".getBytes(StandardCharsets.UTF_8));
    List<String> secrets = List.of("fc_guessedButWrong0123456789abcdefghijklmnopq", basic, revokedToken,
        enrolmentToken, "fc_" + "Q".repeat(100 * 1024));
    List<String> authorizations = new ArrayList<>(List.of("Bearer " + secrets.get(0), basic, "Bearer " + revokedToken,
        "bearer " + enrolmentToken, "Bearer " + secrets.get(4)));
    authorizations.add(null);
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override public void publish(LogRecord record) {
        records.add(record);
      }

      @Override public void flush() {}

      @Override public void close() {}
    };
    Logger root = Logger.getLogger("");
    long failuresBefore = server.server().authFailures();
    root.addHandler(recorder);
    try {
      for (String authorization : authorizations) {
        Reply reply = sendAlone(server, "PUT", KEY, "2".getBytes(StandardCharsets.UTF_8), JSON, authorization);
        assertThat(reply.status()).as(authorization == null ? "none" : authorization.substring(0, 20)).isEqualTo(401);
        secrets.forEach(secret -> assertThat(reply.body()).doesNotContain(secret));
      }
    } finally {
      root.removeHandler(recorder);
    }
    assertThat(server.server().authFailures() - failuresBefore).isEqualTo(authorizations.size());
    List<String> logged = records.stream().map(AbuseTest::fullText).toList();
    assertThat(logged).filteredOn(line -> line.contains("authentication failed")).hasSize(authorizations.size());
    secrets.forEach(secret -> assertThat(logged).noneMatch(line -> line.contains(secret)));
    assertThat(logged).noneMatch(line -> line.contains("hunter2"));
  }

  private static String fullText(LogRecord record) {
    String text = new SimpleFormatter().formatMessage(record);
    return record.getThrown() == null ? text : text + " " + record.getThrown();
  }
}
