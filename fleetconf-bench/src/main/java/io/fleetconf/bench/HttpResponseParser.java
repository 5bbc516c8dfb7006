package io.fleetconf.bench;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads HTTP/1.1 responses from bytes as they arrive, for the bench's lean clients ({@link
 * Devices}, {@link ReadLoad}): a JDK client would cost more of the CPU the server under test
 * needs. It knows what those clients meet: a status line, headers, and a body framed by {@code
 * Content-Length} or by chunked transfer coding, which it undoes as the chunks come, so that an
 * endless event stream can be read piece by piece ({@link #consume}).
 *
 * <p>One parser serves one connection, a response at a time: {@link #reset} readies it for the
 * next on the same connection.
 */
final class HttpResponseParser {
  private static final int MAX_LINE = 16 * 1024;

  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DONE }

  private final Map<String, String> headers = new HashMap<>();
  private State state = State.STATUS;
  private byte[] line = new byte[128];
  private int lineLength;
  private int status;
  /** Body bytes still to come: of the whole body, or of the current chunk. */
  private long remaining;
  private byte[] body = new byte[0];
  private int bodyLength;

  /**
   * Takes bytes from {@code in} until the response is complete or {@code in} is used up; returns
   * whether it is complete. Bytes after a complete response stay in {@code in}.
   */
  boolean feed(ByteBuffer in) throws ProtocolException {
    while (state != State.DONE && in.hasRemaining()) {
      switch (state) {
        case STATUS -> {
          if (line(in)) {
            status = statusCode(text());
            state = State.HEADERS;
          }
        }
        case HEADERS -> {
          if (line(in)) {
            header();
          }
        }
        case BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.remaining());
          append(in, n);
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY ? State.DONE : State.CHUNK_END;
          }
        }
        case CHUNK_SIZE -> {
          if (line(in)) {
            remaining = chunkSize(text());
            state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
          }
        }
        case CHUNK_END -> {
          if (line(in)) {
            if (lineLength != 0) {
              throw new ProtocolException("a chunk longer than its size line said");
            }
            state = State.CHUNK_SIZE;
          }
        }
        case TRAILERS -> {
          if (line(in) && text().isEmpty()) {
            state = State.DONE;
          }
        }
      }
    }
    return state == State.DONE;
  }

  /** Whether the status line and headers are in, and so {@link #status} and {@link #header}. */
  boolean started() {
    return state != State.STATUS && state != State.HEADERS;
  }

  int status() {
    return status;
  }

  /** A header's value, by case-insensitive name; {@code null} if the response has none. */
  String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** Whether the connection may carry the next request once this response is complete. */
  boolean keepAlive() {
    return !"close".equalsIgnoreCase(header("Connection"));
  }

  /** The body bytes read and not yet {@linkplain #consume consumed}: {@code body()[0..bodyLength())}. */
  byte[] body() {
    return body;
  }

  int bodyLength() {
    return bodyLength;
  }

  /** Drops the first {@code count} body bytes, read already: how an endless body stays small. */
  void consume(int count) {
    System.arraycopy(body, count, body, 0, bodyLength - count);
    bodyLength -= count;
  }

  /** Readies the parser for the next response on the same connection. */
  void reset() {
    headers.clear();
    state = State.STATUS;
    lineLength = 0;
    status = 0;
    remaining = 0;
    bodyLength = 0;
  }

  /** Takes bytes into {@link #line} up to a LF; true once the line is complete, without its CRLF. */
  private boolean line(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == line.length) {
        if (lineLength >= MAX_LINE) {
          throw new ProtocolException("a status, header or chunk-size line longer than " + MAX_LINE + " bytes");
        }
        line = Arrays.copyOf(line, lineLength * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  /** The completed line as text, and the line buffer emptied for the next. */
  private String text() {
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    return text;
  }

  private void header() throws ProtocolException {
    if (lineLength > 0) {
      String text = text();
      int colon = text.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("a header line without a name: '" + text + "'");
      }
      headers.put(text.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), text.substring(colon + 1).strip());
      return;
    }
    String length = header("Content-Length");
    if ("chunked".equalsIgnoreCase(header("Transfer-Encoding"))) {
      state = State.CHUNK_SIZE;
    } else if (status / 100 == 1 || status == 204 || status == 304) {
      state = State.DONE;
    } else if (length != null) {
      remaining = number(length, 10, "Content-Length");
      state = remaining == 0 ? State.DONE : State.BODY;
    } else {
      throw new ProtocolException("a response with neither Content-Length nor chunked transfer coding");
    }
  }

  private void append(ByteBuffer in, int count) {
    if (bodyLength + count > body.length) {
      body = Arrays.copyOf(body, Math.max(bodyLength + count, Math.max(256, body.length * 2)));
    }
    in.get(body, bodyLength, count);
    bodyLength += count;
  }

  private static int statusCode(String text) throws ProtocolException {
    String[] parts = text.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x status line: '" + text + "'");
    }
    return (int) number(parts[1], 10, "status code");
  }

  private static long chunkSize(String text) throws ProtocolException {
    int extension = text.indexOf(';');
    return number(extension < 0 ? text : text.substring(0, extension), 16, "chunk size");
  }

  private static long number(String text, int radix, String what) throws ProtocolException {
    try {
      long value = Long.parseLong(text.strip(), radix);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ProtocolException("a " + what + " that is no number: '" + text + "'");
    }
  }
}
