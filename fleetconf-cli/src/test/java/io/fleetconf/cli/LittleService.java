package io.fleetconf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * A stand-in for a VV service, run as its own process by the agent tests: it reads its config
 * file at start and on SIGHUP (logging each reload), writes a pid file, and answers
 * {@code /health} with 200, or 500 when its config says {@code healthy: false}.
 *
 * <p>Arguments: config file, pid file, reload log, port file (where it writes the port it got).
 */
public final class LittleService {
  private static volatile String config = "";

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path log = Path.of(args[2]);
    config = read(file);
    Signal.handle(new Signal("HUP"), signal -> {
      config = read(file);
      append(log, "reload " + config.lines().filter(l -> l.startsWith("volume:")).findFirst().orElse("?"));
    });
    ServerSocket http = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> serve(http));
    Files.writeString(Path.of(args[3]), Integer.toString(http.getLocalPort()));
    Files.writeString(Path.of(args[1]), Long.toString(ProcessHandle.current().pid()));
    new CountDownLatch(1).await();
  }

  /** Answers every request, one per connection, as {@code /health} (the only path the tests ask for). */
  private static void serve(ServerSocket http) {
    while (true) {
      try (Socket client = http.accept()) {
        readHead(client.getInputStream());
        boolean healthy = !config.contains("healthy: false");
        byte[] body = (healthy ? "ok" : "unhealthy").getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + (healthy ? "200 OK" : "500 Internal Server Error") + "\r\nContent-Length: "
            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // that client went away; take the next
      }
    }
  }

  /** Reads a request up to the blank line that ends its head (a health check has no body). */
  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void append(Path log, String line) {
    try {
      Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // the test will see the missing line
    }
  }

  private LittleService() {}
}
