package io.fleetconf.cli;

import io.fleetconf.agent.cli.LogOptions;
import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import io.fleetconf.server.security.Limits;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run the fleetconf server: on the embedded store, or as one of several replicas over PostgreSQL.")
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + ServerSettings.DEFAULT_PORT,
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--demo", description = "Seed the example fleet if the store is empty.")
  boolean demo;

  @Mixin StoreOptions storeOptions;
  @Mixin LogOptions logs;

  @Option(names = "--access-log", description = "Log a line per HTTP request: method, path (no query), status,"
      + " duration and identity (logger io.fleetconf.access).")
  boolean accessLog;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain to serve (default: one the fleet CA in the data directory makes).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--insecure-http", description = "Serve plain HTTP instead of HTTPS. Only on a trusted network.")
  boolean insecureHttp;

  @Option(names = "--master-key-file", paramLabel = "FILE", description = "Master key of the secrets (default:"
      + " $FLEETCONF_MASTER_KEY, else <data-dir>/master.key, made on first start).")
  Path masterKeyFile;

  @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "200",
      description = "Requests per second per token or device (0: none; default ${DEFAULT-VALUE}).")
  int rateLimit;

  @Option(names = "--address-rate-limit", paramLabel = "N", defaultValue = "1000",
      description = "Requests per second per client address (0: none; default ${DEFAULT-VALUE}).")
  int addressRateLimit;

  @Option(names = "--max-operations", paramLabel = "N", defaultValue = "1000",
      description = "Operations in one change set a client sends (default ${DEFAULT-VALUE}).")
  int maxOperations;

  @Option(names = "--max-watches", paramLabel = "N", defaultValue = "64",
      description = "Watches one token or device may hold at once (default ${DEFAULT-VALUE}).")
  int maxWatches;

  @Option(names = "--consul-root", paramLabel = "SEGMENT", defaultValue = "fleet",
      description = "First segment of the layered keys in the Consul KV API, e.g. vv_ai for vv_ai/global/..."
          + " (default ${DEFAULT-VALUE}); other keys are plain keys.")
  String consulRoot;

  @Option(names = "--anonymous-policy", paramLabel = "RULE", description = {
      "A rule for requests to the Consul API without a token, as Consul's anonymous token: e.g. 'read config/*'",
      "(repeat for more; only read|write <key pattern>; default: none, such requests get 403)."})
  java.util.List<String> anonymousPolicy = new java.util.ArrayList<>();

  @Option(names = "--git-source", paramLabel = "NAME=URL[#BRANCH][:PATH]", description = {
      "Follow a Git repository in fleetconf's layout (repeatable; branch default main; docs/gitops.md).",
      "Every new commit becomes one change set; what its files define is read-only for other writers."})
  java.util.List<String> gitSources = new java.util.ArrayList<>();

  @Option(names = "--git-format", paramLabel = "[NAME=]FORMAT", description = {
      "The layout of the Git sources: fleetconf (default) or ansible (an inventory directory with group_vars/ and",
      "host_vars/, read as `import ansible` reads it). NAME=FORMAT for one source (repeatable); FORMAT alone for all."})
  java.util.List<String> gitFormats = new java.util.ArrayList<>();

  @Option(names = "--git-poll", paramLabel = "DURATION", defaultValue = "30s",
      description = "How often to fetch the Git sources (default ${DEFAULT-VALUE}).")
  String gitPoll;

  @picocli.CommandLine.Mixin GitAccessOptions gitAccess;

  @Override
  public Integer call() throws InterruptedException {
    logs.install(accessLog);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException("give both --tls-cert and --tls-key, or neither");
    }
    if (insecureHttp && tlsCert != null) {
      throw new CliException("--insecure-http and --tls-cert contradict each other");
    }
    ServerSettings.Transport transport = insecureHttp ? new ServerSettings.Transport.PlainHttp()
        : tlsCert != null ? new ServerSettings.Transport.TlsFiles(tlsCert, tlsKey)
        : new ServerSettings.Transport.SelfMadeTls();
    ServerSettings settings = ServerSettings.of(host, port, dataDir).withDemo(demo).withTransport(transport)
        .withLimits(new Limits(maxOperations, rateLimit, addressRateLimit, maxWatches));
    try {
      settings = settings.withConsulRoot(consulRoot);
    } catch (IllegalArgumentException e) {
      throw new CliException("--consul-root: " + e.getMessage());
    }
    if (!anonymousPolicy.isEmpty()) {
      try {
        settings = settings.withAnonymousPolicy(new io.fleetconf.server.security.Acl(anonymousPolicy));
      } catch (IllegalArgumentException | io.fleetconf.core.InvalidInputException e) {
        throw new CliException("--anonymous-policy: " + e.getMessage());
      }
    }
    if (masterKeyFile != null) {
      settings = settings.withMasterKeyFile(masterKeyFile);
    }
    settings = settings.withGit(git());
    java.util.Optional<StoreUrl> store = storeOptions.given();
    if (store.isPresent()) {
      settings = settings.withStore(store.get());
    }
    FleetServer server;
    try {
      server = FleetServer.start(settings);
    } catch (IllegalArgumentException | IllegalStateException | io.fleetconf.store.StoreException e) {
      throw new CliException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    if (OutputFormat.of(spec).isJson()) {
      started(server, settings);
      stopped.await();
      return 0;
    }
    var out = spec.commandLine().getOut();
    out.println("fleetconf server listening on " + server.uri());
    out.println("data directory: " + dataDir.toAbsolutePath());
    out.println("store: " + settings.storeUrl().display());
    server.bootstrapToken().ifPresentOrElse(
        token -> {
          out.println("admin token (shown once; also in " + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + "):");
          out.println("  " + token);
        },
        () -> out.println("admin token: the one created on first start (see "
            + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + " if you kept it)"));
    out.println("try:  export FLEETCONF_ADDR=" + server.uri() + " FLEETCONF_TOKEN=$(cat "
        + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + ")"
        + server.caFile().filter(f -> server.uri().getScheme().equals("https"))
            .map(f -> " FLEETCONF_CA_FILE=" + f).orElse(""));
    out.flush();
    stopped.await();
    return 0;
  }

  /** Json mode's start banner: one object, then the server runs until stopped. */
  private void started(FleetServer server, ServerSettings settings) {
    var json = ApiClient.JSON.createObjectNode().put("listening", server.uri().toString())
        .put("dataDirectory", dataDir.toAbsolutePath().toString()).put("store", settings.storeUrl().display())
        .put("adminToken", server.bootstrapToken().orElse(null))
        .put("adminTokenFile", dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE).toString())
        .put("caFile", server.caFile().filter(f -> server.uri().getScheme().equals("https")).map(Object::toString)
            .orElse(null));
    spec.commandLine().getOut().println(json);
    spec.commandLine().getOut().flush();
  }

  private io.fleetconf.server.git.GitSettings git() {
    java.time.Duration poll = io.fleetconf.core.Durations.parse(gitPoll, java.time.temporal.ChronoUnit.SECONDS)
        .orElseThrow(() -> new CliException("--git-poll: '" + gitPoll + "' is not a duration (e.g. 30s, 500ms, 5m)"));
    java.util.List<io.fleetconf.git.GitSource> sources;
    try {
      sources = gitSources.stream().map(io.fleetconf.git.GitSource::parse).toList();
    } catch (io.fleetconf.core.InvalidInputException e) {
      throw new CliException("--git-source: " + e.getMessage());
    }
    try {
      return new io.fleetconf.server.git.GitSettings(sources, poll, gitAccess.access(), gitFormats(sources));
    } catch (io.fleetconf.core.InvalidInputException | IllegalArgumentException e) {
      throw new CliException((gitFormats.isEmpty() ? "--git-source: " : "--git-source/--git-format: ") + e.getMessage());
    }
  }

  /** {@code --git-format}: {@code FORMAT} for every source, or {@code NAME=FORMAT} for one; a later one wins. */
  private java.util.Map<String, io.fleetconf.git.RepositoryLayout> gitFormats(java.util.List<io.fleetconf.git.GitSource> sources) {
    java.util.Map<String, io.fleetconf.git.RepositoryLayout> formats = new java.util.HashMap<>();
    for (String given : gitFormats) {
      int equals = given.indexOf('=');
      try {
        io.fleetconf.git.RepositoryLayout format = io.fleetconf.git.RepositoryLayout.named(given.substring(equals + 1));
        if (equals < 0) {
          sources.forEach(source -> formats.put(source.name(), format));
        } else {
          formats.put(given.substring(0, equals), format);
        }
      } catch (io.fleetconf.core.InvalidInputException e) {
        throw new CliException("--git-format: " + e.getMessage());
      }
    }
    return formats;
  }
}
