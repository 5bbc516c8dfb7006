package io.fleetconf.server.http;

import io.fleetconf.server.security.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.fleetconf.core.Excerpt;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * The HTTP/1.1 server: Netty's codec on a few event-loop threads, each request handed whole to
 * {@code handler} on {@code executor} (virtual threads: handlers may block on the store). A
 * connection takes its requests one at a time, in order. A held long-poll is a channel and a
 * few objects; the JDK's built-in server kept a thread's worth of stack and 16 KiB of stream
 * buffers per connection.
 */
public final class NettyServer implements AutoCloseable {
  /**
   * Request line, header block and header count beyond these get 414 and 431 (the router answers
   * 414 for paths past 4,096; the JDK server's caps were 384 KiB and 200 headers).
   */
  private static final int MAX_INITIAL_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 384 * 1024;
  private static final int MAX_HEADER_COUNT = 200;
  /** Request bodies past this get a 413 before any handler runs (handlers set their own, smaller limits). */
  private static final int MAX_BODY = 16 * 1024 * 1024;
  /** A connection with no request in flight is closed after this long (the JDK server's default was 30 s). */
  private static final int IDLE_SECONDS = 60;
  /**
   * Event-loop threads: one per core. They only parse and write; handlers run on virtual threads,
   * and Netty's default of two per core only added context switches on a small machine.
   */
  private static final int WORKERS = Runtime.getRuntime().availableProcessors();

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel listening;
  private final ChannelGroup connections;

  private NettyServer(EventLoopGroup boss, EventLoopGroup workers, Channel listening, ChannelGroup connections) {
    this.boss = boss;
    this.workers = workers;
    this.listening = listening;
    this.connections = connections;
  }

  /**
   * Listens on {@code address} (port 0: any free port), over TLS when {@code tls} is present, and
   * hands every request to {@code router}.
   *
   * @throws java.io.UncheckedIOException if it cannot bind
   */
  public static NettyServer start(InetSocketAddress address, int backlog, Optional<ServerTls> tls, Router router,
      Executor executor) {
    Transport transport = Transport.best();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.handlers());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(WORKERS, transport.handlers());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    try {
      Channel listening = new ServerBootstrap()
          .group(boss, workers)
          .channel(transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, backlog)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              connections.add(channel); // removed by the group itself when it closes
              tls.ifPresent(server -> {
                SSLEngine engine = server.context().createSSLEngine();
                engine.setUseClientMode(false);
                engine.setSSLParameters(server.parameters());
                channel.pipeline().addLast("tls", new SslHandler(engine));
              });
              channel.pipeline()
                  .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                  .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                      .setMaxInitialLineLength(MAX_INITIAL_LINE).setMaxHeaderSize(MAX_HEADERS).setMaxChunkSize(8192)
                      // RFC 9112 mode: Content-Length beside Transfer-Encoding: chunked is an error, not dropped.
                      .setUseRfc9112TransferEncoding(true)))
                  .addLast("framing", new Framing())
                  .addLast("aggregate", new Framing.Aggregator(MAX_BODY))
                  .addLast("requests", new Requests(router, executor));
            }
          })
          .bind(address).syncUninterruptibly().channel();
      return new NettyServer(boss, workers, listening, connections);
    } catch (Exception e) { // bind() rethrows the socket's checked exceptions undeclared
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof java.io.IOException io) {
        throw new java.io.UncheckedIOException(io);
      }
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
  }

  /**
   * Linux's epoll, where Netty's native library loads (fewer copies and system calls per
   * read and write than the JDK's selector, which matters when a change wakes thousands of
   * connections at once), else the JDK's NIO. {@code -Dio.netty.transport.noNative=true} forces NIO.
   */
  record Transport(String name, IoHandlerFactory handlers, Class<? extends ServerChannel> serverChannel) {
    /**
     * Ready connections an event loop serves before it runs its queued tasks again: a fan-out's
     * re-issued long-polls are handled on the event loop, and a write's acknowledgement, queued as
     * a task, should not wait for thousands of them.
     */
    private static final int EPOLL_EVENTS_PER_PASS = 128;

    static Transport best() {
      return Epoll.isAvailable()
          ? new Transport("epoll", EpollIoHandler.newFactory(EPOLL_EVENTS_PER_PASS, DefaultSelectStrategyFactory.INSTANCE),
              EpollServerSocketChannel.class)
          : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
  }

  /** The transport the server runs on: {@code epoll} or {@code nio}. */
  public String transport() {
    return listening instanceof EpollServerSocketChannel ? "epoll" : "nio";
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listening.localAddress();
  }

  /**
   * Stops listening and closes every connection while the event loops still run, so that clients
   * see the server go at once rather than whenever the event loops wind down.
   */
  @Override
  public void close() {
    listening.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * One connection's requests: each goes to the handler once the previous one is answered, so a
   * pipelining client gets its responses in order; the read side stays open meanwhile.
   */
  private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Router router;
    private final Executor executor;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;

    Requests(Router router, Executor executor) {
      super(false);
      this.router = router;
      this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
      waiting.add(request);
      next(context);
    }

    /** On the channel's event loop: starts the next request if none is in flight. */
    private void next(ChannelHandlerContext context) {
      if (busy || waiting.isEmpty()) {
        return;
      }
      FullHttpRequest request = waiting.poll();
      try {
        if (request.decoderResult().isFailure()) {
          refuse(context, request.decoderResult().cause());
          return;
        }
        if (request.headers().size() > MAX_HEADER_COUNT) {
          refuse(context, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
              "a request has at most " + MAX_HEADER_COUNT + " header fields");
          return;
        }
        URI uri;
        try {
          uri = new URI(request.uri());
        } catch (URISyntaxException e) {
          refuse(context, HttpResponseStatus.BAD_REQUEST, "bad_request", "the request target is not a valid URI");
          return;
        }
        busy = true;
        Channel channel = context.channel();
        Optional<javax.net.ssl.SSLSession> tls = Optional.ofNullable(channel.pipeline().get(SslHandler.class))
            .map(ssl -> ssl.engine().getSession());
        Exchange exchange = new Exchange(channel, request.method().name(), uri, request.headers(),
            ByteBufUtil.getBytes(request.content()), HttpUtil.isKeepAlive(request), tls,
            () -> context.executor().execute(() -> {
              busy = false;
              next(context);
            }));
        Runnable handle = () -> {
          try {
            router.handle(exchange);
          } catch (Exception | Error e) {
            exchange.close(); // the router answers every failure itself; this is the last resort
          }
        };
        if (router.handledInline(exchange)) {
          handle.run(); // never blocks: no thread to start, and the threads stay free for what may
        } else {
          executor.execute(handle);
        }
      } finally {
        request.release();
      }
    }

    /** A request the codec could not read: too long a line or header block, or not HTTP/1.1 as written. */
    private void refuse(ChannelHandlerContext context, Throwable cause) {
      switch (cause) {
        case TooLongHttpLineException line -> refuse(context, HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
            "the request line is longer than " + MAX_INITIAL_LINE + " bytes");
        case TooLongHttpHeaderException headers -> refuse(context, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large", "the request headers are larger than " + MAX_HEADERS + " bytes");
        case Framing.Refused refused -> refuse(context, refused.status, refused.code, refused.getMessage());
        case ContentLengthNotAllowedException both -> refuse(context, HttpResponseStatus.BAD_REQUEST, "bad_request",
            Framing.BOTH_LENGTHS);
        // Netty's messages may quote the input (a header, a length): a short piece of it at most.
        default -> refuse(context, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request: "
            + Excerpt.of(String.valueOf(cause.getMessage())));
      }
    }

    /** A request the handler never sees: answered here, and the connection closed. */
    private void refuse(ChannelHandlerContext context, HttpResponseStatus status, String code, String message) {
      FullHttpResponse response = Framing.errorResponse(status, code, message);
      waiting.forEach(FullHttpRequest::release);
      waiting.clear();
      busy = true; // nothing more on this connection
      HeaderNames.canonicalise(response.headers());
      context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
      if (event instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE && !busy) {
        context.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      waiting.forEach(FullHttpRequest::release);
      waiting.clear();
      context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close(); // a reset connection, a failed TLS handshake: nothing to answer
    }
  }
}
