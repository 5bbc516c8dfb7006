package io.fleetconf.bench;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread driving a share of the simulated devices (those numbered {@code first},
 * {@code first + step}, ...) over non-blocking sockets: a keep-alive connection per device, its
 * request written when the socket is ready, its answers read with {@link HttpResponseParser}
 * as the bytes arrive, and, on an event stream, split with {@link EventStream}. A JDK HttpClient
 * costs several times the CPU per answer, and this JVM shares the machine with the server under
 * test; what each answer means is for {@link Devices} to say.
 */
final class DeviceLoop implements Runnable {
  /** How many first requests may be in flight at once over all loops, so the server's accept queue is not flooded. */
  static final int OPENING_WINDOW = 256;
  /** Connections per loopback source address, well below the ephemeral ports one address has (28,232 on Linux). */
  static final int DEVICES_PER_SOURCE = 20_000;
  private static final long RETRY_PAUSE = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long SWEEP_EVERY = TimeUnit.SECONDS.toNanos(1);
  /** How much longer than the long-poll wait a connection may stay silent before it counts as stuck. */
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final String TOO_MANY_OPEN_FILES = "Too many open files";
  /** Read before the sockets are opened: a process out of file descriptors cannot open {@code /proc/self/limits}. */
  private static final long OPEN_FILES_LIMIT = Machine.openFilesLimit();

  /**
   * The server, the credentials, and what each device asks it.
   *
   * @param longPollWait the {@code wait} of each long-poll
   */
  record Target(InetSocketAddress server, String host, String token, Transport transport, Duration longPollWait) {
    Target(URI base, String token, Transport transport, Duration longPollWait) {
      this(new InetSocketAddress(base.getHost(), base.getPort()), base.getHost() + ":" + base.getPort(), token,
          transport, longPollWait);
    }

    /** How long a connection with a request out may stay silent before it counts as stuck. */
    Duration silence() {
      return longPollWait.plus(GRACE);
    }

    /** The next request of {@code device}, which last had revision {@code index} (-1: none yet). */
    ByteBuffer request(int device, long index) {
      StringBuilder text = new StringBuilder(256).append("GET ")
          .append(io.fleetconf.api.Paths.deviceConfig(Main.deviceId(device)));
      if (transport == Transport.LONGPOLL && index >= 0) {
        text.append("?index=").append(index).append("&wait=").append(longPollWait.toSeconds()).append('s');
      }
      text.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nAuthorization: Bearer ").append(token).append("\r\n");
      if (transport == Transport.SSE) {
        text.append("Accept: text/event-stream\r\n");
        if (index >= 0) {
          text.append("Last-Event-ID: ").append(index).append("\r\n");
        }
      }
      return ByteBuffer.wrap(text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** One device's connection and what is under way on it; touched by its loop only. */
  private final class Link implements EventStream.Listener {
    final int device;
    final HttpResponseParser response = new HttpResponseParser();
    EventStream events = new EventStream();
    SocketChannel channel;
    SelectionKey key;
    /** Request bytes not yet written. */
    ByteBuffer pending;
    /** Until when the connection may stay silent; {@code Long.MAX_VALUE} while nothing is asked. */
    long deadline = Long.MAX_VALUE;
    boolean heard;

    Link(int device) {
      this.device = device;
    }

    /** An event on the device's stream: it has the revision as soon as it has the event. */
    @Override
    public void event(String id, byte[] data, int length) throws IOException {
      Devices.Round counted = answered(this, data, length, id);
      if (counted != null) {
        devices.reissued(counted);
      }
    }
  }

  private record Retry(long due, Link link) {}

  private final Target target;
  private final Devices devices;
  private final Problems problems;
  private final Selector selector;
  private final ByteBuffer input = ByteBuffer.allocateDirect(64 * 1024);
  private final ArrayDeque<Retry> retries = new ArrayDeque<>();
  private final Link[] links;
  private final int first;
  private final int step;
  /** Whether sockets bind to {@link #sourceAddress} before they connect. */
  private final boolean spread;
  private int opened;
  private int window;
  private long nextSweep = System.nanoTime() + SWEEP_EVERY;

  DeviceLoop(Target target, Devices devices, int first, int step, int count) throws IOException {
    this.target = target;
    this.devices = devices;
    this.problems = devices.problems();
    this.selector = Selector.open();
    this.first = first;
    this.step = step;
    this.links = new Link[(count - first + step - 1) / step];
    this.window = OPENING_WINDOW / step;
    this.spread = count > DEVICES_PER_SOURCE
        && target.server().getAddress() instanceof Inet4Address address && address.isLoopbackAddress();
  }

  /**
   * The loopback address device {@code device} connects from, in a fleet too large for one source
   * address: 127.0.0.1 for the first 20,000, 127.0.0.2 for the next, and so on. Linux routes all of
   * 127/8 to {@code lo}, and each source address has its own ephemeral ports. A smaller fleet does
   * not bind at all: a port bound before connecting stays taken while a closed connection lingers
   * in TIME_WAIT, whereas connect alone may reuse it towards another server port, as the next run's is.
   */
  static InetAddress sourceAddress(int device) {
    int host = 1 + device / DEVICES_PER_SOURCE;
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) (host >> 8), (byte) host});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        openMore();
        long now = System.nanoTime();
        long wake = Math.min(nextSweep, retries.isEmpty() ? Long.MAX_VALUE : retries.peek().due());
        selector.select(this::ready, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now)));
        now = System.nanoTime();
        while (!retries.isEmpty() && retries.peek().due() <= now) {
          send(retries.poll().link());
        }
        if (now >= nextSweep) {
          sweep(now);
          nextSweep = now + SWEEP_EVERY;
        }
      }
    } catch (IOException e) {
      problems.add(e);
      System.err.println("devices: a selector loop failed; its devices stop");
    }
  }

  /** Opens further devices' first requests, as far as this loop's share of the opening window allows. */
  private void openMore() {
    while (window > 0 && opened < links.length) {
      window--;
      Link link = new Link(first + opened * step);
      links[opened++] = link;
      send(link);
    }
  }

  /** Sends the device's next request: on its connection if it has one, else on a new one. */
  private void send(Link link) {
    long now = System.nanoTime();
    link.pending = target.request(link.device, devices.index(link.device));
    link.deadline = now + target.silence().toNanos();
    devices.sent(link.device, now);
    try {
      if (link.channel == null) {
        connect(link);
      } else {
        write(link);
      }
    } catch (IOException e) {
      failed(link, e);
    }
  }

  private void connect(Link link) throws IOException {
    SocketChannel channel = SocketChannel.open();
    link.channel = channel;
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    if (spread) {
      channel.bind(new InetSocketAddress(sourceAddress(link.device), 0));
    }
    link.key = channel.register(selector, SelectionKey.OP_CONNECT, link);
    if (channel.connect(target.server())) {
      connected(link);
    }
  }

  private void connected(Link link) throws IOException {
    link.key.interestOps(SelectionKey.OP_READ);
    write(link);
  }

  private void write(Link link) throws IOException {
    link.channel.write(link.pending);
    link.key.interestOps(link.pending.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
        : SelectionKey.OP_READ);
  }

  private void ready(SelectionKey key) {
    Link link = (Link) key.attachment();
    if (!key.isValid() || key != link.key) {
      return;
    }
    try {
      if (key.isConnectable()) {
        if (link.channel.finishConnect()) {
          connected(link);
        }
      } else {
        if (key.isWritable()) {
          write(link);
        }
        if (key.isReadable()) {
          read(link);
        }
      }
    } catch (IOException | RuntimeException e) {
      failed(link, e);
    }
  }

  private void read(Link link) throws IOException {
    input.clear();
    if (link.channel.read(input) < 0) {
      problems.add("the server closed the connection" + (link.response.started() ? " within an answer" : ""));
      retry(link);
      return;
    }
    input.flip();
    if (target.transport() == Transport.SSE) {
      link.deadline = System.nanoTime() + target.silence().toNanos();
    }
    SocketChannel channel = link.channel;
    while (input.hasRemaining() && link.channel == channel) {
      boolean complete = link.response.feed(input);
      if (target.transport() == Transport.SSE) {
        streamed(link, complete);
      } else if (complete) {
        polled(link);
      }
    }
  }

  /** A long-poll's answer is complete: account for it, then poll again. */
  private void polled(Link link) throws IOException {
    HttpResponseParser response = link.response;
    link.deadline = Long.MAX_VALUE;
    if (response.status() != 200) {
      problems.add("HTTP " + response.status() + ": " + snippet(response));
      retry(link);
      return;
    }
    Devices.Round counted = answered(link, response.body(), response.bodyLength(),
        response.header("X-Fleetconf-Revision"));
    done(link);
    send(link);
    if (counted != null) {
      devices.reissued(counted);
    }
  }

  /** New bytes of an event stream: hand over its complete events, or, if it ended, open it again. */
  private void streamed(Link link, boolean complete) throws IOException {
    HttpResponseParser response = link.response;
    if (complete) {
      problems.add(response.status() == 200 ? "the event stream ended"
          : "HTTP " + response.status() + ": " + snippet(response));
      retry(link);
    } else if (response.started() && response.status() == 200) {
      response.consume(link.events.read(response.body(), response.bodyLength(), link));
    }
  }

  /** One answer's body: the first of a device frees its place in the opening window. */
  private Devices.Round answered(Link link, byte[] body, int length, String declared) throws IOException {
    Devices.Round counted = devices.answered(link.device, body, length, declared, System.nanoTime());
    if (!link.heard) {
      link.heard = true;
      window++;
    }
    return counted;
  }

  /** The response is read: the connection carries the next request, unless the server said close. */
  private void done(Link link) {
    boolean reuse = link.response.keepAlive();
    link.response.reset();
    if (!reuse) {
      close(link);
    }
  }

  /** Connections that stayed silent too long count as a problem and start again. */
  private void sweep(long now) {
    for (int slot = 0; slot < opened; slot++) {
      Link link = links[slot];
      if (link.channel != null && now > link.deadline) {
        problems.add("no answer within " + target.silence().toSeconds() + " s");
        retry(link);
      }
    }
  }

  /**
   * A socket operation failed: the device tries again after a pause, unless this process is out
   * of file descriptors, which no retry fixes; that device gives up and its place in the opening
   * window goes to the next, so that every device left over is counted.
   */
  private void failed(Link link, Exception failure) {
    if (String.valueOf(failure.getMessage()).contains(TOO_MANY_OPEN_FILES)) {
      close(link);
      problems.add(TOO_MANY_OPEN_FILES + ": this process may have " + OPEN_FILES_LIMIT
          + " open files (Max open files, /proc/self/limits), fewer than its devices need; not retried");
      if (!link.heard) {
        window++;
      }
      return;
    }
    problems.add(failure);
    retry(link);
  }

  /** Closes the device's connection and sends its request again, on a new one, after a pause. */
  private void retry(Link link) {
    close(link);
    link.deadline = Long.MAX_VALUE;
    retries.add(new Retry(System.nanoTime() + RETRY_PAUSE, link));
  }

  private void close(Link link) {
    if (link.channel != null) {
      try {
        link.channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    link.channel = null;
    link.key = null;
    link.response.reset();
    link.events = new EventStream();
  }

  private static String snippet(HttpResponseParser response) {
    String text = new String(response.body(), 0, response.bodyLength(), StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
