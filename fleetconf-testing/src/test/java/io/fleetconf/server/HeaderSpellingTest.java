package io.fleetconf.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Response header names go out spelled as Consul and the RFCs spell them, byte for byte (issue 14, item 15). */
class HeaderSpellingTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  /** The header lines of the answer to {@code request}, as the bytes on the wire have them. */
  private List<String> headerLines(String request) throws IOException {
    try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), ISO_8859_1);
      String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
      List<String> lines = Arrays.asList(head.split("\r\n"));
      return lines.subList(1, lines.size());
    }
  }

  private static List<String> names(List<String> lines) {
    return lines.stream().map(line -> line.substring(0, line.indexOf(':'))).sorted().toList();
  }

  @Test
  void consulHeadersAreSpelledAsConsulSpellsThem() throws IOException {
    server.put("/api/v1/entries/plain/config/a", "\"x\"");
    List<String> lines = headerLines("GET /v1/kv/config/a HTTP/1.1\r\nHost: localhost\r\nX-Consul-Token: "
        + server.token() + "\r\nConnection: close\r\n\r\n");
    assertThat(lines).contains("X-Consul-Index: 1", "X-Consul-KnownLeader: true", "X-Consul-LastContact: 0",
        "Content-Type: application/json", "Cache-Control: no-store", "Connection: close");
    assertThat(names(lines)).containsExactly("Cache-Control", "Connection", "Content-Length", "Content-Type",
        "X-Consul-Index", "X-Consul-KnownLeader", "X-Consul-LastContact");
  }

  @Test
  void nativeAndErrorHeadersAreSpelledCanonically() throws IOException {
    List<String> ok = headerLines("GET /api/v1/entries?recurse=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + server.token() + "\r\nConnection: close\r\n\r\n");
    assertThat(names(ok)).containsExactly("Cache-Control", "Connection", "Content-Length", "Content-Type",
        "X-Fleetconf-Revision");
    List<String> refused = headerLines("GET /api/v1/entries?recurse=true HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(names(refused)).containsExactly("Cache-Control", "Connection", "Content-Length", "Content-Type");
    List<String> malformed = headerLines("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(names(malformed)).containsExactly("Connection", "Content-Length", "Content-Type");
  }
}
