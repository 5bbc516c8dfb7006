package io.fleetconf.server;

import io.fleetconf.server.ServerSettings.Transport;
import io.fleetconf.server.http.Authentication;
import io.fleetconf.server.security.Certificates;
import io.fleetconf.server.security.FleetCa;
import io.fleetconf.server.security.Pem;
import io.fleetconf.server.security.ServerTls;
import io.fleetconf.server.security.Tokens;
import io.fleetconf.store.Keyring;
import io.fleetconf.store.MasterKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import io.fleetconf.server.api.GitApi;
import io.fleetconf.server.api.NativeApi;
import io.fleetconf.server.git.GitSources;
import io.fleetconf.server.consul.ConsulApi;
import io.fleetconf.server.http.Router;
import io.fleetconf.server.http.NettyServer;
import io.fleetconf.store.CommitSignal;
import io.fleetconf.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.fleetconf.store.DurableFile;
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
  /** The file, in the data directory, that holds the master key when none is given elsewhere. */
  public static final String MASTER_KEY_FILE = "master.key";
  /** The directory, in the data directory, of the fleet CA. */
  public static final String CA_DIR = "ca";
  private static final int BACKLOG = 1024;

  private final Store store;
  private final Replica replica;
  private final FleetStatus status;
  private final GitSources git;
  private final NettyServer http;
  private final boolean https;
  private final ExecutorService executor;
  private final Optional<String> bootstrapToken;
  private final Authentication authentication;
  private final Optional<Path> caFile;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private FleetServer(Store store, Replica replica, FleetStatus status, GitSources git, NettyServer http, boolean https,
      ExecutorService executor, Optional<String> bootstrapToken, Authentication authentication, Optional<Path> caFile) {
    this.status = status;
    this.git = git;
    this.authentication = authentication;
    this.caFile = caFile;
    this.store = store;
    this.replica = replica;
    this.http = http;
    this.https = https;
    this.executor = executor;
    this.bootstrapToken = bootstrapToken;
  }

  /** Opens the store, seeds it if asked and empty, and starts serving. */
  public static FleetServer start(ServerSettings settings) {
    createPrivately(settings.dataDir());
    Store store = settings.storeUrl().open(Clock.systemUTC());
    try {
      Keyring keyring = Keyring.open(store, masterKey(settings, store));
      Replica replica = new Replica(store, settings.watchHistory(),
          new io.fleetconf.server.consul.ConsulKeys(settings.consulRoot()));
      Clock clock = Clock.systemUTC();
      Tokens tokens = new Tokens(store, clock);
      Optional<String> bootstrap = Optional.empty();
      if (tokens.isEmpty()) {
        // The file first, then the store: a store never holds a first admin token nobody has.
        Path file = settings.dataDir().resolve(ADMIN_TOKEN_FILE);
        bootstrap = Optional.of(tokens.bootstrapAdmin(secret -> writeAdminToken(file, secret)).secret());
      }
      if (settings.demo() && store.revision().value() == 0) {
        DemoFleet.seed(replica);
      }
      Path caDir = settings.dataDir().resolve(CA_DIR);
      if (settings.transport() instanceof Transport.SelfMadeTls && !FleetCa.exists(caDir)) {
        FleetCa.init(caDir, "fleetconf fleet CA", clock.instant());
        LOG.log(System.Logger.Level.INFO, "made the fleet CA in " + caDir);
      }
      Optional<FleetCa> ca = FleetCa.exists(caDir) ? Optional.of(FleetCa.load(caDir)) : Optional.empty();
      Certificates certificates = new Certificates(store, ca, clock, settings.certificateValidity());
      Authentication authentication =
          new Authentication(tokens, certificates, settings.limits(), settings.anonymousPolicy());
      // Other servers on a shared store make and revoke tokens and certificates too.
      replica.onFollow(new SecurityRefresh(tokens, certificates)::heard);
      Optional<ServerTls> tls = tls(settings, ca, certificates, authentication);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      FleetStatus status = new FleetStatus(replica, clock);
      GitSources git = GitSources.start(settings.git(), settings.dataDir(), replica, clock,
          () -> io.fleetconf.server.git.SealKey.load(store, keyring));
      NettyServer http;
      try {
        Router router = new Router(authentication, replica::ready);
        NativeApi.register(router, replica, status, authentication, health -> GitApi.health(git, health));
        new GitApi(git).register(router);
        new io.fleetconf.server.console.Console(replica, status, authentication).register(router);
        ConsulApi.register(router, replica);
        http = NettyServer.start(new InetSocketAddress(settings.host(), settings.port()), BACKLOG, tls, router,
            executor);
        LOG.log(System.Logger.Level.INFO, "HTTP on Netty's " + http.transport() + " transport");
      } catch (RuntimeException e) {
        git.close();
        status.close();
        throw e;
      }
      return new FleetServer(store, replica, status, git, http, tls.isPresent(), executor, bootstrap, authentication,
          ca.map(c -> caDir.resolve(FleetCa.CERT_FILE)));
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      store.close();
      throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e.getCause());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Reloads tokens and revocations when another server announces a change, and every few seconds. */
  private static final class SecurityRefresh {
    private static final long EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private final Tokens tokens;
    private final Certificates certificates;
    private long last = System.nanoTime();

    SecurityRefresh(Tokens tokens, Certificates certificates) {
      this.tokens = tokens;
      this.certificates = certificates;
    }

    void heard(List<String> words) {
      long now = System.nanoTime();
      if (words.contains(CommitSignal.SECURITY_CHANGED) || now - last > EVERY_NANOS) {
        last = now;
        tokens.refresh();
        certificates.refresh();
      }
    }
  }

  /** The server's TLS, or none (with a loud warning) when plain HTTP was asked for. */
  private static Optional<ServerTls> tls(ServerSettings settings, Optional<FleetCa> ca, Certificates certificates,
      Authentication authentication) {
    Path certificate;
    Path key;
    switch (settings.transport()) {
      case Transport.PlainHttp plain -> {
        LOG.log(System.Logger.Level.WARNING, "*** PLAIN HTTP: TLS is off, as asked. Tokens, configs and secrets cross"
            + " the network in clear text. Use this only on a trusted loopback or behind a TLS proxy. ***");
        return Optional.empty();
      }
      case Transport.SelfMadeTls selfMade -> {
        certificate = settings.dataDir().resolve("tls/server.crt");
        key = settings.dataDir().resolve("tls/server.key");
        ensureServerCertificate(ca.orElseThrow(), certificate, key, settings.host());
      }
      case Transport.TlsFiles files -> {
        certificate = files.certificate();
        key = files.key();
      }
    }
    return Optional.of(ServerTls.of(certificate, key, ca.map(FleetCa::certificate), certificates::isRevoked,
        why -> authentication.refused(why + " at the TLS handshake")));
  }

  /**
   * Makes this server's certificate with the fleet CA when it is missing, has less than 30 days
   * left, or does not go with the key beside it (a crash between writing the two files).
   */
  private static void ensureServerCertificate(FleetCa ca, Path certificate, Path key, String host) {
    Instant now = Instant.now();
    if (Files.exists(certificate) && Files.exists(key)) {
      var current = Pem.certificates(certificate).get(0);
      if (current.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(30))) && issuedBy(current, ca)
          && ServerTls.isKeyOf(key, current)) {
        return;
      }
    }
    List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
    if (!host.equals("0.0.0.0") && !host.equals("::") && !hosts.contains(host)) {
      hosts.add(host);
    }
    try {
      String name = java.net.InetAddress.getLocalHost().getHostName();
      if (!hosts.contains(name)) {
        hosts.add(name);
      }
    } catch (IOException unknown) {
      // no host name: loopback names only
    }
    ca.writeServerCertificate(certificate, key, hosts, now);
    LOG.log(System.Logger.Level.INFO, "made a TLS certificate for " + String.join(", ", hosts) + " in " + certificate);
  }

  private static boolean issuedBy(java.security.cert.X509Certificate certificate, FleetCa ca) {
    try {
      certificate.verify(ca.certificate().getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false; // made by an earlier CA: make a new one
    }
  }

  /** The master key: the file given, else $FLEETCONF_MASTER_KEY, else {@code <data>/master.key}, made on first start. */
  private static MasterKey masterKey(ServerSettings settings, Store store) throws IOException {
    if (settings.masterKeyFile().isPresent()) {
      return MasterKey.read(settings.masterKeyFile().get());
    }
    String variable = System.getenv(MasterKey.ENV);
    if (variable != null && !variable.isBlank()) {
      return MasterKey.parse(variable, "$" + MasterKey.ENV);
    }
    Path file = settings.dataDir().resolve(MASTER_KEY_FILE);
    Optional<String> wrappedBy = Keyring.wrappedBy(store);
    if (MasterKey.isEmptyFile(file) && wrappedBy.isEmpty()) {
      // Cut short by a crash on first start, before any secret depended on it: make it again.
      Files.delete(file);
    }
    if (Files.exists(file)) {
      return MasterKey.read(file);
    }
    if (wrappedBy.isPresent()) {
      throw new IllegalStateException("the store's secrets are under master key " + wrappedBy.get()
          + "; give it with --master-key-file or $" + MasterKey.ENV);
    }
    MasterKey fresh = MasterKey.generate();
    fresh.writeNew(file);
    LOG.log(System.Logger.Level.WARNING, "made a master key for secrets in " + file + " (fingerprint "
        + fresh.fingerprint() + "); keep a copy apart from the data directory: see docs/security.md");
    return fresh;
  }

  /** Makes the data directory, if it is new, readable by its owner only: it holds keys and the database. */
  private static void createPrivately(Path dir) {
    if (Files.notExists(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make the data directory " + dir, e);
      }
    }
  }

  /**
   * Writes an admin token to {@code file} (mode 0600) durably, replacing what was there.
   *
   * @throws IllegalStateException naming the file, if it cannot be written
   */
  public static void writeAdminToken(Path file, String token) {
    try {
      DurableFile.write(file, (token + "\n").getBytes(StandardCharsets.UTF_8), DurableFile.Mode.OWNER_ONLY);
    } catch (IOException e) {
      // The reason alone: the message of a failed rename names the temp file, which is no help.
      String cause = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
          : e.getClass().getSimpleName();
      throw new IllegalStateException("cannot write the admin token to " + file + " (" + cause
          + "); no admin token was stored: fix this and start again");
    }
  }

  public int port() {
    return http.address().getPort();
  }

  /** The base URL, e.g. {@code https://127.0.0.1:8585}. */
  public URI uri() {
    var address = http.address();
    String scheme = https ? "https" : "http";
    return URI.create(scheme + "://" + address.getHostString() + ":" + address.getPort());
  }

  /** The fleet CA's certificate, which clients trust when the server made its own TLS certificate. */
  public Optional<Path> caFile() {
    return caFile;
  }

  /** How many requests failed authentication since start. */
  public long authFailures() {
    return authentication.authFailures();
  }

  /** How many long-polls and event streams the server holds right now. */
  public int heldWatches() {
    return replica.watches().held();
  }

  /**
   * How many held device-config long-polls and streams the watch hub has answered because a change
   * concerned them, since start (not resyncs or timeouts): for benchmarks and tests.
   */
  public long watchesWoken() {
    return replica.watches().woken();
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
    git.close(); // no commit of a source half way through when the store closes
    replica.close();
    http.close();
    executor.shutdownNow();
    status.close(); // saves the last-seen times noted since the last save
    store.close();
    LOG.log(System.Logger.Level.INFO, "fleetconf server stopped");
  }
}
