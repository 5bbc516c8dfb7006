package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configures a {@link FleetconfClient}. Everything is optional but what the chosen sources need:
 * a server needs a device id and a token or a client certificate. {@link #start()} validates, naming the setting at fault.
 */
public final class ClientBuilder {
  /**
   * The longest wait between two tries while the server is away: a returning server is noticed
   * within it (plus the call itself). docs/client.md states this bound.
   */
  static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(5);
  private List<URI> servers = List.of();
  private String deviceId = "";
  private String token = "";
  private Optional<Path> caFile = Optional.empty();
  private Optional<ClientTls.Identity> certificate = Optional.empty();
  private final List<String> namespaces = new ArrayList<>();
  private Optional<Path> cacheDirectory = Optional.empty();
  private final List<LocalFile> files = new ArrayList<>();
  private boolean followFiles;
  private Duration filePollInterval = Duration.ofSeconds(1);
  private boolean reloadOnSighup;
  private final ObjectNode defaults = JsonNodeFactory.instance.objectNode();
  private Duration connectTimeout = Duration.ofSeconds(2);
  private Duration startTimeout = Duration.ofSeconds(5);
  private Duration wait = Duration.ofMinutes(5);
  private Duration backoffBase = Duration.ofMillis(500);
  private Duration backoffCap = DEFAULT_BACKOFF_CAP;
  private Optional<String> logLevelKey = Optional.empty();

  ClientBuilder() {}

  /** The server's base URL, e.g. {@code https://config.example:8585}. */
  public ClientBuilder server(String url) {
    return servers(url);
  }

  /**
   * Several servers (replicas over one PostgreSQL): the client talks to one at a time and moves
   * to the next when it fails or is not ready, resuming its watch from the revision it has.
   */
  public ClientBuilder servers(String... urls) {
    this.servers = java.util.Arrays.stream(urls).map(URI::create).toList();
    return this;
  }

  public ClientBuilder deviceId(String deviceId) {
    this.deviceId = deviceId;
    return this;
  }

  /** The device's API token. */
  public ClientBuilder token(String token) {
    this.token = token;
    return this;
  }

  /** Trust the CAs in this PEM file (the fleet CA) for the server's certificate, instead of the system's. */
  public ClientBuilder caFile(Path file) {
    this.caFile = Optional.of(file);
    return this;
  }

  /** Present this client certificate (PEM chain) and key (PKCS#8 PEM) for mTLS; then no token is needed. */
  public ClientBuilder clientCertificate(Path certificateFile, Path keyFile) {
    this.certificate = Optional.of(new ClientTls.Identity(certificateFile, keyFile));
    return this;
  }

  /** Token, client certificate and CA file at once. */
  public ClientBuilder credentials(Credentials credentials) {
    this.token = credentials.token().orElse("");
    this.certificate = credentials.certificate();
    this.caFile = credentials.caFile();
    return this;
  }

  /** Keep only these namespaces of the server config (default: all of them). */
  public ClientBuilder namespaces(String... names) {
    namespaces.addAll(List.of(names));
    return this;
  }

  /** Where to keep the last good server config for starts without a server. */
  public ClientBuilder cacheDirectory(Path directory) {
    this.cacheDirectory = Optional.of(directory);
    return this;
  }

  /**
   * A local file ({@code .env}, YAML, JSON or properties) read into {@code namespace} (or, with
   * {@code ""}, holding namespaces at its top level): the bootstrap a service used before.
   */
  public ClientBuilder file(Path path, String namespace) {
    files.add(new LocalFile(path, namespace));
    return this;
  }

  /** Reload the local files when they change on disk (checked every {@code interval}). */
  public ClientBuilder followFiles(Duration interval) {
    this.followFiles = true;
    this.filePollInterval = interval;
    return this;
  }

  /** Reload the local files on SIGHUP. */
  public ClientBuilder reloadOnSighup() {
    this.reloadOnSighup = true;
    return this;
  }

  /** A code default, lowest precedence; {@code path} like {@code tv_scheduler/volume}. */
  public ClientBuilder defaultValue(String path, Object value) {
    JsonNode node = Config.JSON.valueToTree(value);
    String[] segments = path.split("/");
    ObjectNode at = defaults;
    for (int i = 0; i < segments.length - 1; i++) {
      at = at.has(segments[i]) && at.get(segments[i]).isObject() ? (ObjectNode) at.get(segments[i])
          : at.putObject(segments[i]);
    }
    at.set(segments[segments.length - 1], node);
    return this;
  }

  /** Code defaults, several at once. */
  public ClientBuilder defaults(Map<String, ?> values) {
    values.forEach(this::defaultValue);
    return this;
  }

  public ClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = timeout;
    return this;
  }

  /** How long start-up waits for the server before falling back to the cache (default 5 s). */
  public ClientBuilder startTimeout(Duration timeout) {
    this.startTimeout = timeout;
    return this;
  }

  /** How long the server may hold each long-poll (default 5 min). */
  public ClientBuilder waitTime(Duration wait) {
    this.wait = wait;
    return this;
  }

  /**
   * Backoff while the server is away: a random wait (full jitter) up to {@code base}, doubling
   * after each failure, never above {@code cap} (defaults 500 ms and 5 s).
   */
  public ClientBuilder backoff(Duration base, Duration cap) {
    this.backoffBase = base;
    this.backoffCap = cap;
    return this;
  }

  /** Only the first retry's ceiling, keeping the cap (tests: many failures in little time). */
  ClientBuilder backoffBase(Duration base) {
    this.backoffBase = base;
    return this;
  }

  /** Apply the value at {@code path} (e.g. {@code common/log_level}) as the JDK logging level, live. */
  public ClientBuilder logLevelFrom(String path) {
    this.logLevelKey = Optional.of(path);
    return this;
  }

  /** Validates the settings and starts the client. */
  public FleetconfClient start() {
    if (!servers.isEmpty()) {
      require(!deviceId.isBlank(), "deviceId is required with a server");
      require(!token.isBlank() || certificate.isPresent(), "a token or a client certificate is required with a server");
      for (URI server : servers) {
        String scheme = server.getScheme();
        require("http".equals(scheme) || "https".equals(scheme),
            "server must be an http or https URL, was '" + server + "'");
      }
    } else {
      require(cacheDirectory.isEmpty(), "cacheDirectory needs a server");
    }
    require(deviceId.isEmpty() || deviceId.matches("[A-Za-z0-9_.\\-]+"), "deviceId '" + deviceId + "' is not a device id");
    for (Duration d : List.of(connectTimeout, startTimeout, wait, backoffBase, backoffCap, filePollInterval)) {
      require(!d.isNegative() && !d.isZero(), "timeouts and intervals must be positive, got " + d);
    }
    require(backoffCap.compareTo(backoffBase) >= 0, "backoff cap " + backoffCap + " is below its base " + backoffBase);
    files.forEach(file -> LocalFile.formatOf(file.path()));
    Credentials credentials = new Credentials(Optional.of(token), certificate, caFile);
    ClientSettings settings = new ClientSettings(servers, deviceId, credentials, List.copyOf(namespaces), cacheDirectory,
        List.copyOf(files), followFiles, filePollInterval, reloadOnSighup, defaults.deepCopy(), connectTimeout,
        startTimeout, wait, backoffBase, backoffCap, logLevelKey);
    return new FleetconfClient(settings).start();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigException(message);
    }
  }
}
