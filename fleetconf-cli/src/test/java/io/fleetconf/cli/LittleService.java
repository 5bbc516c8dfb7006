package io.fleetconf.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/health", exchange -> {
      boolean healthy = !config.contains("healthy: false");
      byte[] body = (healthy ? "ok" : "unhealthy").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(healthy ? 200 : 500, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    http.start();
    Files.writeString(Path.of(args[3]), Integer.toString(http.getAddress().getPort()));
    Files.writeString(Path.of(args[1]), Long.toString(ProcessHandle.current().pid()));
    new CountDownLatch(1).await();
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
