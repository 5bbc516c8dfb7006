package io.fleetconf.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@code git http-backend} (smart HTTP) behind a JDK HTTP server on a loopback port that
 * asks for HTTP basic authentication, as a forge does for a private repository.
 */
public final class GitHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  private final String credentials;
  private final AtomicInteger refused = new AtomicInteger();

  private GitHttpServer(HttpServer server, Path root, String user, String password) {
    this.server = server;
    this.root = root;
    this.credentials = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Serves the repositories under {@code root} to {@code user} with {@code password} only. */
  public static GitHttpServer start(Path root, String user, String password) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      GitHttpServer git = new GitHttpServer(server, root, user, password);
      server.createContext("/", git::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return git;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL of repository {@code name} (e.g. {@code fleet.git}) under the root. */
  public String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** How many requests were answered 401 (no or wrong credentials). */
  public int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
          credentials.getBytes(StandardCharsets.UTF_8))) {
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fleet\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      cgi(exchange);
    }
  }

  /** Runs git http-backend as a CGI script for one request. */
  private void cgi(HttpExchange exchange) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = builder.environment();
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath());
    env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
    env.put("REMOTE_USER", "fleet");
    env.put("REMOTE_ADDR", "127.0.0.1");
    copyHeader(exchange, "Content-Type", "CONTENT_TYPE", env);
    copyHeader(exchange, "Content-Encoding", "HTTP_CONTENT_ENCODING", env);
    copyHeader(exchange, "Git-Protocol", "HTTP_GIT_PROTOCOL", env);
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = process.getOutputStream(); InputStream body = exchange.getRequestBody()) {
      body.transferTo(in);
    }
    InputStream out = process.getInputStream();
    int status = 200;
    for (String line = headerLine(out); !line.isEmpty(); line = headerLine(out)) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.substring(0, 3));
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    exchange.sendResponseHeaders(status, 0);
    try (OutputStream response = exchange.getResponseBody()) {
      out.transferTo(response);
    }
  }

  private static void copyHeader(HttpExchange exchange, String header, String variable, Map<String, String> env) {
    String value = exchange.getRequestHeaders().getFirst(header);
    if (value != null) {
      env.put(variable, value);
    }
  }

  /** One CGI header line, without its line end; empty at the blank line that ends the headers. */
  private static String headerLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
