package io.fleetconf.server;

import static io.fleetconf.server.RawRequests.exchange;
import static io.fleetconf.server.RawRequests.sendAlone;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors the server gives before any handler runs (framing, size) come in the same
 * {@code {"error", "message"}} shape as the rest, and no error quotes more than a short piece of
 * what the client sent. Raw requests go over TLS as written; each is followed on its connection by
 * a second request that must never be answered, since a refusal of framing closes the connection.
 */
class WireErrorsTest {
  @RegisterExtension static final TestServer server = TestServer.fresh().tls();
  private static final String KEY = "/api/v1/entries/global/a/b";
  private static final String NEXT = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static long revisionBefore;

  @BeforeAll
  static void seed() {
    server.put(KEY, "1");
    revisionBefore = server.revision();
  }

  @AfterEach
  void nothingStored() {
    assertThat(server.revision()).isEqualTo(revisionBefore);
    assertThat(server.get(KEY).json().get("value").asInt()).isEqualTo(1);
  }

  private static String head(String headers) {
    return "PUT " + KEY + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
        + server.token() + "\r\n" + headers + "\r\n";
  }

  /** The one answer to {@code request}: its status line and body, after which the server closed. */
  private static void answeredOnceAndClosed(String request, String statusLine, String body) throws IOException {
    String answer = new String(exchange(server, request).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    assertThat(answer.split("HTTP/1.1 ", -1)).as(answer).hasSize(2);
    int end = answer.indexOf("\r\n\r\n");
    assertThat(answer.substring(0, end)).startsWith(statusLine + "\r\n");
    assertThat(answer.substring(0, end).toLowerCase()).contains("\r\nconnection: close")
        .contains("\r\ncontent-type: application/json");
    assertThat(answer.substring(end + 4)).isEqualTo(body);
  }

  @ParameterizedTest(name = "Transfer-Encoding: {0} with Content-Length")
  @ValueSource(strings = {"gzip", "identity", "xchunked", "chunked", "gzip, chunked"})
  void contentLengthWithAnyTransferEncodingIsRefusedAndClosesTheConnection(String coding) throws IOException {
    answeredOnceAndClosed(head("Transfer-Encoding: " + coding + "\r\nContent-Length: 1\r\n") + "2" + NEXT,
        "HTTP/1.1 400 Bad Request",
        "{\"error\":\"bad_request\",\"message\":\"a request must not have both Content-Length and Transfer-Encoding\"}\n");
  }

  static Stream<Arguments> unsupportedCodings() {
    String chunk = "1\r\n2\r\n0\r\n\r\n";
    return Stream.of(
        Arguments.of("gzip", "Transfer-Encoding: gzip\r\n", "", "gzip"),
        Arguments.of("identity", "Transfer-Encoding: identity\r\n", "", "identity"),
        Arguments.of("xchunked", "Transfer-Encoding: xchunked\r\n", chunk, "xchunked"),
        Arguments.of("gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", chunk, "gzip, chunked"),
        Arguments.of("chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", chunk,
            "chunked, chunked"),
        Arguments.of("a long coding", "Transfer-Encoding: " + "z".repeat(10_000) + "\r\n", "",
            "z".repeat(64) + "\u2026"));
  }

  /** RFC 9112 section 6.1: a transfer coding the server does not understand gets 501. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupportedCodings")
  void aTransferEncodingOtherThanChunkedGets501AndClosesTheConnection(String name, String headers, String body,
      String quoted) throws IOException {
    answeredOnceAndClosed(head(headers) + body + NEXT, "HTTP/1.1 501 Not Implemented",
        "{\"error\":\"not_implemented\",\"message\":\"Transfer-Encoding '" + quoted
            + "' is not supported; send chunked or Content-Length\"}\n");
  }

  @Test
  void chunkedAloneIsStillAccepted() throws IOException {
    String answer = exchange(server, head("Transfer-Encoding: chunked\r\nConnection: close\r\n") + "1\r\n1\r\n0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200 ");
    revisionBefore = server.revision(); // the same value, 1, written again
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Content-Length: 17000000\r\n", "Content-Length: 17000000\r\nExpect: 100-continue\r\n"})
  void aBodyOverTheServersLimitGets413InTheErrorShape(String headers) throws IOException {
    answeredOnceAndClosed(head(headers) + "2" + NEXT, "HTTP/1.1 413 Request Entity Too Large",
        "{\"error\":\"too_large\",\"message\":\"the request body is larger than the 16777216-byte limit\"}\n");
  }

  static Stream<Arguments> overTheCodecsCaps() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= 200; i++) {
      many.append("X-H-").append(i).append(": v\r\n");
    }
    return Stream.of(
        Arguments.of("a 20,000-byte request line", "GET /api/v1/health?x=" + "a".repeat(20_000)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "HTTP/1.1 414 Request-URI Too Long",
            "{\"error\":\"uri_too_long\",\"message\":\"the request line is longer than 16384 bytes\"}\n"),
        Arguments.of("a 400 KiB header", head("X-Note: " + "x".repeat(400 * 1024) + "\r\nContent-Length: 1\r\n") + "2",
            "HTTP/1.1 431 Request Header Fields Too Large",
            "{\"error\":\"headers_too_large\",\"message\":\"the request headers are larger than 393216 bytes\"}\n"),
        Arguments.of("201 headers", head(many + "Content-Length: 1\r\n") + "2",
            "HTTP/1.1 431 Request Header Fields Too Large",
            "{\"error\":\"headers_too_large\",\"message\":\"a request has at most 200 header fields\"}\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overTheCodecsCaps")
  void overTheCodecsCapsTheAnswerIsInTheErrorShape(String name, String request, String statusLine, String body)
      throws IOException {
    answeredOnceAndClosed(request + NEXT, statusLine, body);
  }

  @Test
  void anExpectationOtherThanContinueGets417InTheErrorShape() throws IOException {
    answeredOnceAndClosed(head("Content-Length: 1\r\nExpect: fancy\r\n") + "2" + NEXT, "HTTP/1.1 417 Expectation Failed",
        "{\"error\":\"expectation_failed\",\"message\":\"the only expectation understood is 100-continue\"}\n");
  }

  @Test
  void aLongMethodIsQuotedShort() throws IOException {
    String method = "X".repeat(10_000);
    answeredOnceAndClosed(method + " " + KEY + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
        + server.token() + "\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 Method Not Allowed",
        "{\n  \"error\" : \"method_not_allowed\",\n  \"message\" : \"" + "X".repeat(64) + "\u2026 is not allowed on " + KEY
            + "\"\n}\n");
  }

  static Stream<Arguments> echoes() {
    String mib = "x".repeat(1024 * 1024);
    String cut = "x".repeat(64) + "\u2026";
    return Stream.of(
        Arguments.of("POST", "/api/v1/restore", "application/json", "{\"prefix\": \"" + mib + "/a\", \"revision\": 1}",
            400, "invalid_scope", "unknown scope '" + cut + "' in '" + cut
                + "'; expected defaults, global, groups/<kind>/<name>, devices/<id> or plain"),
        Arguments.of("POST", "/api/v1/restore", "application/json", "{\"prefix\": \"global/" + "x".repeat(200) + "\", \"revision\": 1}",
            400, "invalid_key", "key path '" + cut + "' has a segment longer than 128 characters"),
        Arguments.of("PUT", KEY, "application/" + "z".repeat(100_000), "2", 415, "unsupported_media_type",
            "cannot take a value as 'application/" + "z".repeat(52) + "\u2026'; send application/json, application/yaml"
                + " or text/plain"),
        Arguments.of("POST", "/api/v1/tokens", "application/json", "{\"identity\": \"a\", \"ttl\": \"" + mib + "\"}",
            400, "invalid_body", "field 'ttl' must be a positive duration such as 15m, 12h or 30d, was '" + cut + "'"),
        Arguments.of("POST", "/api/v1/tokens", "application/json", "{\"identity\": \"a\", \"rules\": [\"" + mib + "\"]}",
            400, "invalid_rule", "rule '" + cut + "' is not one of"),
        Arguments.of("GET", "/api/v1/entries/global?recurse=" + "x".repeat(10_000), null, null, 400,
            "invalid_parameter", "query parameter 'recurse' must be true or false, was '" + cut + "'"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("echoes")
  void anErrorQuotesOnlyAShortPieceOfTheInput(String method, String path, String contentType, String body,
      int status, String code, String message) {
    Reply reply = sendAlone(server, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        contentType, "Bearer " + server.token());
    assertThat(reply.status()).as(reply.body().substring(0, Math.min(300, reply.body().length()))).isEqualTo(status);
    assertThat(reply.json().fieldNames()).toIterable().containsExactly("error", "message");
    assertThat(reply.json().get("error").asText()).isEqualTo(code);
    assertThat(reply.json().get("message").asText()).startsWith(message);
    assertThat(reply.body().length()).isLessThan(600);
  }
}
