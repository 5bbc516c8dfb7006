package io.fleetconf.server.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * One request and its response on a Netty channel, behind the JDK's {@link HttpExchange} API that
 * the router is written against. The request arrives whole (its body already read); the response
 * goes out as one message when its length is known, or chunk by chunk when it is streamed
 * ({@code sendResponseHeaders(status, 0)}, as for Server-Sent Events). Safe to answer from any thread.
 */
final class Exchange extends HttpExchange {
  /** The attribute that holds the TLS session of an HTTPS exchange (the JDK server's HttpsExchange has a method). */
  static final String SSL_SESSION = "fleetconf.sslSession";

  private final Channel channel;
  private final String method;
  private final URI uri;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final boolean keepAlive;
  private final Runnable done;
  private final Map<String, Object> attributes = new HashMap<>();
  private InputStream in;
  private OutputStream out;
  private int status = -1;
  private boolean closed;
  private io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<? super Void>> gone;

  /**
   * @param done called once the response is complete (or abandoned), so that the connection may
   *     take its next request
   */
  Exchange(Channel channel, String method, URI uri, HttpHeaders headers, byte[] body, boolean keepAlive,
      Optional<SSLSession> tls, Runnable done) {
    this.channel = channel;
    this.method = method;
    this.uri = uri;
    headers.forEach(header -> requestHeaders.add(header.getKey(), header.getValue()));
    this.keepAlive = keepAlive;
    this.done = done;
    tls.ifPresent(session -> attributes.put(SSL_SESSION, session));
    this.in = new ByteArrayInputStream(body);
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

  /** The TLS session of {@code exchange}, if it came over TLS. */
  static Optional<SSLSession> tlsSession(HttpExchange exchange) {
    return exchange.getAttribute(SSL_SESSION) instanceof SSLSession session ? Optional.of(session) : Optional.empty();
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return method;
  }

  @Override
  public HttpContext getHttpContext() {
    throw new UnsupportedOperationException("fleetconf's router has one context");
  }

  @Override
  public InputStream getRequestBody() {
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    if (out == null) {
      throw new IllegalStateException("sendResponseHeaders first");
    }
    return out;
  }

  /**
   * As the JDK server: {@code length} above 0 is the exact body length, 0 a body streamed in
   * chunks until the stream is closed, -1 no body.
   */
  @Override
  public synchronized void sendResponseHeaders(int code, long length) throws IOException {
    if (status >= 0) {
      throw new IOException("headers already sent");
    }
    status = code;
    HttpHeaders headers = headers();
    if (length > 0) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
      out = new Fixed((int) length, headers);
    } else if (length == 0) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), headers);
      write(head);
      out = new Chunked();
    } else {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
      // HEAD: the length a GET would have had is not known here; none is sent.
      if (method.equals("HEAD")) {
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      }
      write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.EMPTY_BUFFER,
          headers, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));
      out = OutputStream.nullOutputStream();
      finish();
    }
  }

  private HttpHeaders headers() {
    HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
    responseHeaders.forEach((name, values) -> headers.add(name, values));
    if (!keepAlive || closesAfter()) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return headers;
  }

  private boolean closesAfter() {
    List<String> connection = responseHeaders.get("Connection");
    return connection != null && connection.stream().anyMatch(value -> value.equalsIgnoreCase("close"));
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public synchronized Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public synchronized void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream input, OutputStream output) {
    if (input != null) {
      in = input;
    }
    if (output != null) {
      out = output;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  /** Ends the exchange; a response never begun becomes a 500 so the client is not left waiting. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (status < 0) {
        try {
          sendResponseHeaders(500, -1);
        } catch (IOException e) {
          // the channel is gone
        }
      }
    }
    try {
      out.close();
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
    if (!keepAlive || closesAfter()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> channel.close());
    }
    done.run();
  }

  private void write(Object message) throws IOException {
    if (!channel.isActive()) {
      throw new IOException("the client closed the connection");
    }
    if (message instanceof HttpResponse response) {
      HeaderNames.canonicalise(response.headers()); // the names as Consul and the RFCs spell them
    }
    channel.writeAndFlush(message);
  }

  /** A body of known length, sent with the headers as one message when closed. */
  private final class Fixed extends ByteArrayOutputStream {
    private final int length;
    private final HttpHeaders headers;
    private boolean sent;

    Fixed(int length, HttpHeaders headers) {
      super(length);
      this.length = length;
      this.headers = headers;
    }

    @Override
    public void close() throws IOException {
      if (sent) {
        return;
      }
      sent = true;
      if (count != length) {
        channel.close(); // the JDK server's behaviour too: a short body cannot be framed
        throw new IOException("the response body has " + count + " bytes, " + length + " were announced");
      }
      Exchange.this.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
          Unpooled.wrappedBuffer(buf, 0, count), headers, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));
      finish();
    }
  }

  /** A streamed body: each flush sends what was written since as one chunk; close ends the body. */
  private final class Chunked extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private boolean ended;

    @Override
    public synchronized void write(int b) throws IOException {
      pending.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
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
