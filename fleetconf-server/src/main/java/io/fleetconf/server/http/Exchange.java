package io.fleetconf.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * One request and its response on a Netty channel. The request arrives whole (its body already
 * read); the response goes out as one message ({@link #respond}), or chunk by chunk as it is
 * written ({@link #stream}, as for Server-Sent Events). Safe to answer from any thread.
 */
final class Exchange {
  private final Channel channel;
  private final String method;
  private final URI uri;
  private final HttpHeaders requestHeaders;
  private final byte[] body;
  private final boolean keepAlive;
  private final Optional<SSLSession> tlsSession;
  private final Runnable done;
  private boolean responding;
  private Optional<Chunked> streaming = Optional.empty();
  private boolean closed;
  /** Whether the connection closes once this response is out. */
  private boolean closeAfter;
  private GenericFutureListener<Future<? super Void>> gone;

  /**
   * @param done called once the response is complete (or abandoned), so that the connection may
   *     take its next request
   */
  Exchange(Channel channel, String method, URI uri, HttpHeaders headers, byte[] body, boolean keepAlive,
      Optional<SSLSession> tlsSession, Runnable done) {
    this.channel = channel;
    this.method = method;
    this.uri = uri;
    this.requestHeaders = headers.copy();
    this.body = body;
    this.keepAlive = keepAlive;
    this.tlsSession = tlsSession;
    this.done = done;
  }

  String method() {
    return method;
  }

  URI uri() {
    return uri;
  }

  /** The first value of a request header; names are case-insensitive. */
  Optional<String> header(String name) {
    return Optional.ofNullable(requestHeaders.get(name));
  }

  /** Every value of a request header, in order (a browser may split {@code Cookie} over several). */
  java.util.List<String> headers(String name) {
    return requestHeaders.getAll(name);
  }

  byte[] body() {
    return body;
  }

  InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /**
   * The connection's event loop: work that only renders and writes, never blocks, runs there
   * without a thread of its own, and its write goes out without a hand-over.
   */
  java.util.concurrent.Executor eventLoop() {
    return channel.eventLoop();
  }

  /** The TLS session, if the request came over TLS. */
  Optional<SSLSession> tlsSession() {
    return tlsSession;
  }

  /**
   * Runs {@code action} once if the connection closes before this exchange is done (at once if it
   * has); a keep-alive connection's later exchanges do not see it.
   */
  synchronized void whenClientGone(Runnable action) {
    if (closed) {
      return;
    }
    gone = closing -> {
      if (!isDone()) {
        action.run();
      }
    };
    channel.closeFuture().addListener(gone);
  }

  private synchronized boolean isDone() {
    return closed;
  }

  /**
   * Sends the whole response and ends the exchange. An empty body goes out with a length of 0,
   * except for HEAD, where the length a GET would have had is not known here and none is sent.
   */
  synchronized void respond(int status, Map<String, String> headers, java.util.List<byte[]> parts) throws IOException {
    begin();
    HttpHeaders head = headers(headers);
    // The parts are wrapped, not copied: one may be shared by thousands of answers.
    io.netty.buffer.ByteBuf content = parts.isEmpty() ? Unpooled.EMPTY_BUFFER
        : Unpooled.wrappedBuffer(parts.toArray(byte[][]::new));
    if (content.readableBytes() > 0) {
      head.set(CONTENT_LENGTH, content.readableBytes());
    } else if (!method.equals("HEAD")) {
      head.set(CONTENT_LENGTH, 0);
    }
    write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content, head,
        EmptyHttpHeaders.INSTANCE));
    finish();
  }

  /**
   * Sends the response head and returns the body's stream: each flush sends what was written since
   * as one chunk, and closing it ends the body and the exchange.
   */
  synchronized OutputStream stream(int status, Map<String, String> headers) throws IOException {
    begin();
    HttpHeaders head = headers(headers);
    head.set(TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), head));
    Chunked body = new Chunked();
    streaming = Optional.of(body);
    return body;
  }

  private void begin() throws IOException {
    if (responding) {
      throw new IOException("a response was already sent");
    }
    responding = true;
  }

  /** {@code headers} in order, a later name replacing an earlier one whatever its case. */
  private HttpHeaders headers(Map<String, String> headers) {
    HttpHeaders out = new DefaultHttpHeaders();
    headers.forEach((name, value) -> out.set(HeaderNames.canonical(name), value)); // spelled as they go out
    closeAfter = !keepAlive || out.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    if (closeAfter) {
      out.set(CONNECTION, HttpHeaderValues.CLOSE);
    }
    return out;
  }

  /** Netty's names are lower case; these go out as the RFCs spell them, as {@link HeaderNames} would. */
  private static final String CONTENT_LENGTH = "Content-Length";
  private static final String CONNECTION = "Connection";
  private static final String TRANSFER_ENCODING = "Transfer-Encoding";

  /** Ends the exchange; a response never begun becomes a 500 so the client is not left waiting. */
  void close() {
    Optional<Chunked> body;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!responding) {
        try {
          respond(500, Map.of(), java.util.List.of());
        } catch (IOException e) {
          // the channel is gone
        }
      }
      body = streaming;
    }
    try {
      if (body.isPresent()) {
        body.get().close();
      }
    } catch (IOException e) {
      // the channel is gone; finish() still runs
    }
    finish();
  }

  private synchronized void finish() {
    if (closed) {
      return;
    }
    closed = true;
    if (gone != null) {
      channel.closeFuture().removeListener(gone);
    }
    if (!keepAlive || closeAfter) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> channel.close());
    }
    done.run();
  }

  private void write(Object message) throws IOException {
    if (!channel.isActive()) {
      throw new IOException("the client closed the connection");
    }
    channel.writeAndFlush(message); // a response's header names are spelled already (headers())
  }

  /** A streamed body: each flush sends what was written since as one chunk; close ends the body. */
  private final class Chunked extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private boolean ended;

    @Override
    public synchronized void write(int b) {
      pending.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      pending.write(bytes, offset, length);
    }

    @Override
    public synchronized void flush() throws IOException {
      if (pending.size() > 0) {
        Exchange.this.write(new DefaultHttpContent(Unpooled.wrappedBuffer(pending.toByteArray())));
        pending.reset();
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (ended) {
        return;
      }
      ended = true;
      try {
        flush();
        Exchange.this.write(LastHttpContent.EMPTY_LAST_CONTENT);
      } finally {
        finish();
      }
    }
  }
}
