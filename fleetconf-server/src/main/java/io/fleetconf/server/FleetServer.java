package io.fleetconf.server;

import com.sun.net.httpserver.HttpServer;
import io.fleetconf.server.http.Api;
import io.fleetconf.store.JdbcStore;
import io.fleetconf.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A running fleetconf server: the store, the live state and the HTTP API on one port. Every
 * request runs on its own virtual thread.
 */
public final class FleetServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FleetServer.class.getName());
  /** The file, in the data directory, that holds the admin token made on first start (mode 0600). */
  public static final String ADMIN_TOKEN_FILE = "admin.token";

  private final Store store;
  private final Fleet fleet;
  private final HttpServer http;
  private final ExecutorService executor;
  private final Optional<String> bootstrapToken;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private FleetServer(
      Store store, Fleet fleet, HttpServer http, ExecutorService executor, Optional<String> bootstrapToken) {
    this.store = store;
    this.fleet = fleet;
    this.http = http;
    this.executor = executor;
    this.bootstrapToken = bootstrapToken;
  }

  /** Opens the store, seeds it if asked and empty, and starts serving. */
  public static FleetServer start(ServerSettings settings) {
    // The JDK server closes an idle keep-alive connection once 200 are idle; after a fleet-wide
    // change thousands of watchers go idle at once and would all reconnect (docs/performance.md).
    if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
      System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
    }
    Store store = JdbcStore.openSqlite(settings.dataDir().resolve("fleetconf.db"));
    try {
      Fleet fleet = new Fleet(store, settings.watchHistory());
      Tokens tokens = new Tokens(store);
      Optional<String> bootstrap = Optional.empty();
      if (tokens.isEmpty()) {
        bootstrap = Optional.of(tokens.create("admin"));
        writeTokenFile(settings.dataDir().resolve(ADMIN_TOKEN_FILE), bootstrap.get());
      }
      if (settings.demo() && store.revision().value() == 0) {
        DemoFleet.seed(fleet);
      }
      HttpServer http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 1024);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      http.createContext("/", Api.router(fleet, tokens));
      http.start();
      return new FleetServer(store, fleet, http, executor, bootstrap);
    } catch (IOException | RuntimeException e) {
      store.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void writeTokenFile(Path file, String token) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8585}. */
  public URI uri() {
    var address = http.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /** How many long-polls and event streams the server holds right now. */
  public int heldWatches() {
    return fleet.watches().held();
  }

  /** The admin token, if this start created it (first start on an empty data directory). */
  public Optional<String> bootstrapToken() {
    return bootstrapToken;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    fleet.close();
    http.stop(0);
    executor.shutdownNow();
    store.close();
    LOG.log(System.Logger.Level.INFO, "fleetconf server stopped");
  }
}
