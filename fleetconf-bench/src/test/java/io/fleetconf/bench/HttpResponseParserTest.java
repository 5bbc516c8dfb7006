package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {
  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String body(HttpResponseParser parser) {
    return new String(parser.body(), 0, parser.bodyLength(), StandardCharsets.UTF_8);
  }

  /** Feeds one byte at a time, as the worst split a socket could give; true once complete. */
  private static boolean feedByteByByte(HttpResponseParser parser, String text) throws ProtocolException {
    boolean complete = false;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      assertThat(complete).as("complete before its last byte").isFalse();
      complete = parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    return complete;
  }

  @Test
  void readsAFixedLengthResponseInAnyPieces() throws ProtocolException {
    HttpResponseParser parser = new HttpResponseParser();

    boolean complete = feedByteByByte(parser, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "x-fleetconf-revision: 42\r\nContent-Length: 15\r\n\r\n{\"revision\":42}");

    assertThat(complete).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(parser.header("X-Fleetconf-Revision")).isEqualTo("42");
    assertThat(parser.header("Content-Type")).isEqualTo("application/json");
    assertThat(parser.keepAlive()).isTrue();
    assertThat(body(parser)).isEqualTo("{\"revision\":42}");
  }

  @Test
  void readsTheNextResponseOnTheSameConnectionAfterAReset() throws ProtocolException {
    HttpResponseParser parser = new HttpResponseParser();
    ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabHTTP/1.1 404 Not Found\r\n"
        + "Connection: close\r\nContent-Length: 3\r\n\r\nxyz");

    assertThat(parser.feed(in)).isTrue();
    assertThat(body(parser)).isEqualTo("ab");
    parser.reset();
    assertThat(parser.feed(in)).isTrue();

    assertThat(parser.status()).isEqualTo(404);
    assertThat(parser.header("Content-Length")).isEqualTo("3");
    assertThat(parser.keepAlive()).isFalse();
    assertThat(body(parser)).isEqualTo("xyz");
    assertThat(in.hasRemaining()).isFalse();
  }

  @Test
  void undoesChunkedTransferCodingWithExtensionsAndTrailers() throws ProtocolException {
    HttpResponseParser parser = new HttpResponseParser();

    boolean complete = feedByteByByte(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\nA;name=value\r\n, chunked!\r\n0\r\nX-Trailer: yes\r\n\r\n");

    assertThat(complete).isTrue();
    assertThat(body(parser)).isEqualTo("hello, chunked!");
  }

  @Test
  void readsAnEndlessChunkedBodyPieceByPiece() throws ProtocolException {
    HttpResponseParser parser = new HttpResponseParser();

    assertThat(parser.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nevent"))).isFalse();
    assertThat(parser.started()).isTrue();
    assertThat(body(parser)).isEqualTo("event");
    parser.consume(3);
    assertThat(parser.feed(bytes("1\r\n3\r\n:k\n\r\n"))).isFalse();

    assertThat(body(parser)).isEqualTo("nt1:k\n");
  }

  @Test
  void hasNoBodyForNoContent() throws ProtocolException {
    HttpResponseParser parser = new HttpResponseParser();

    assertThat(parser.feed(bytes("HTTP/1.1 204 No Content\r\n\r\n"))).isTrue();

    assertThat(parser.bodyLength()).isZero();
  }

  @Test
  void refusesWhatItCannotFrame() {
    assertThatThrownBy(() -> new HttpResponseParser().feed(bytes("SSH-2.0-OpenSSH\r\n")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("status line");
    assertThatThrownBy(() -> new HttpResponseParser().feed(bytes("HTTP/1.1 200 OK\r\n\r\n")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("neither Content-Length nor chunked");
    assertThatThrownBy(() -> new HttpResponseParser().feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
        + "\r\n\r\n2\r\nabc\r\n"))).isInstanceOf(ProtocolException.class).hasMessageContaining("longer than its size");
  }
}
