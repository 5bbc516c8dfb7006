package io.fleetconf.server;

import io.fleetconf.testing.TestTls;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Requests written as they are: each on a connection of its own, closed after the answer, so that
 * a refusal that leaves a body unread cannot stall the next request.
 */
final class RawRequests {
  private RawRequests() {}

  /** Sends one request on a new connection, closed after the answer; {@code null}s leave headers out. */
  static Reply sendAlone(TestServer target, String method, String path, byte[] body, String contentType,
      String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.uri() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (HttpClient client = target.client(Optional.empty())) {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path.substring(0, Math.min(80, path.length())) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Writes {@code request} as it is over TLS (trusting the fleet CA) and reads until the server
   * closes; empty if it hung up without an answer.
   */
  static String exchange(TestServer target, String request) throws IOException {
    var factory = TestTls.context(Optional.of(target.caFile()), Optional.empty()).getSocketFactory();
    try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", target.uri().getPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (SocketException | SSLException hungUp) {
        // the server stopped reading part way; what it sent before, if anything, is still to read
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketException | SSLException reset) {
        // a reset after (or instead of) an answer
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
