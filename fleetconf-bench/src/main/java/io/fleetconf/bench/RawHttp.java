package io.fleetconf.bench;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive connection speaking just enough HTTP/1.1 for the bench's load generators
 * ({@link ReadLoad}, {@link Writers}) and its admin writes ({@link AdminClient}): a request with the token and, if given, a JSON body; the
 * answer read whole with {@link HttpResponseParser}. It spends far less of the shared CPU than the
 * JDK's client, which the server under test needs. It reconnects if the server closed the
 * connection.
 */
final class RawHttp implements AutoCloseable {
  private final String host;
  private final int port;
  private final byte[] headers;
  private final HttpResponseParser response = new HttpResponseParser();
  private final ByteBuffer input = ByteBuffer.allocate(16384).limit(0);
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawHttp(URI base, String token) {
    this.host = base.getHost();
    this.port = base.getPort();
    this.headers = (" HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + token
        + "\r\nAccept: */*\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Sends one request ({@code path} as sent, already encoded; {@code json} null for none); returns
   * the status, and the body in {@link #length()} and {@link #body()}.
   */
  int send(String method, String path, byte[] json) throws IOException {
    if (socket == null) {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000); // a bench that waits longer for one answer has failed
      in = socket.getInputStream();
      out = new BufferedOutputStream(socket.getOutputStream(), 1024);
    }
    try {
      out.write(method.getBytes(StandardCharsets.US_ASCII));
      out.write(' ');
      out.write(path.getBytes(StandardCharsets.US_ASCII));
      out.write(headers);
      if (json != null) {
        out.write(("Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(json);
      } else {
        out.write('\r');
        out.write('\n');
      }
      out.flush();
      response.reset();
      while (!response.feed(input)) {
        int n = in.read(input.array());
        if (n < 0) {
          throw new EOFException("the server closed the connection");
        }
        input.clear().limit(n);
      }
      if (!response.keepAlive()) {
        close();
      }
      return response.status();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  int length() {
    return response.bodyLength();
  }

  /** The last answer's body, as text. */
  String body() {
    return new String(response.body(), 0, response.bodyLength(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    input.clear().limit(0);
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
