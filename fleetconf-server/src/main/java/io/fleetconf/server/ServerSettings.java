package io.fleetconf.server;

import io.fleetconf.server.security.Acl;
import io.fleetconf.server.security.Limits;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to run a server, validated at construction: where to listen, how (TLS or, only when asked
 * for, plain HTTP), where the data lives, and the limits it enforces. Start from {@link #of} and
 * change what differs with the {@code with...} methods.
 *
 * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one
 * @param dataDir directory for the embedded store, the first admin token, the fleet CA and the
 *     certificates the server makes for itself
 * @param demo seed the example fleet when the store is empty
 * @param watchHistory how many recent change sets raw-key watches can resume across
 * @param transport TLS from files, TLS with a certificate the server makes, or plain HTTP
 * @param limits rates, sizes and watch caps
 * @param masterKeyFile the file holding the master key of the secrets; without it the
 *     {@code FLEETCONF_MASTER_KEY} variable, then {@code <dataDir>/master.key}
 * @param certificateValidity how long the client certificates issued to devices are good for
 * @param store where the data lives; default {@code sqlite:<dataDir>/fleetconf.db}. With a
 *     PostgreSQL store, several servers can share it (each still needs its own data directory for
 *     the fleet CA and TLS files, which must be the same on every server, and the master key)
 * @param consulRoot the first segment of the layered keys in the Consul-compatible API
 *     ({@code fleet}: {@code fleet/global/...}); keys outside it are plain keys
 * @param anonymousPolicy what a request to the Consul API without a token may do, as key rules
 *     ({@code read config/*}); none by default, and never admin, devices or secrets
 * @param git the Git repositories to follow (docs/gitops.md); none by default
 */
public record ServerSettings(String host, int port, Path dataDir, boolean demo, int watchHistory,
    Transport transport, Limits limits, Optional<Path> masterKeyFile, java.time.Duration certificateValidity,
    Optional<io.fleetconf.store.StoreUrl> store, String consulRoot, Acl anonymousPolicy,
    io.fleetconf.server.git.GitSettings git) {
  public static final int DEFAULT_PORT = 8585;

  /** How clients reach the server. */
  public sealed interface Transport {
    /** Plain HTTP: only when asked for explicitly, and the server says so loudly. */
    record PlainHttp() implements Transport {}

    /** TLS with a certificate the fleet CA (made in the data directory if absent) issues to this server. */
    record SelfMadeTls() implements Transport {}

    /** TLS from PEM files, read again whenever they change. */
    record TlsFiles(Path certificate, Path key) implements Transport {}
  }

  /** TLS with a certificate the server makes for itself, default limits, no demo. */
  public static ServerSettings of(String host, int port, Path dataDir) {
    return new ServerSettings(host, port, dataDir, false, Replica.DEFAULT_WATCH_HISTORY, new Transport.SelfMadeTls(),
        Limits.DEFAULT, Optional.empty(), io.fleetconf.server.security.Certificates.DEFAULT_VALIDITY,
        Optional.empty(), io.fleetconf.core.Key.ROOT, Acl.NONE, io.fleetconf.server.git.GitSettings.NONE);
  }

  public ServerSettings {
    if (watchHistory < 1) {
      throw new IllegalArgumentException("watchHistory must be at least 1, was " + watchHistory);
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (dataDir == null || transport == null || limits == null || masterKeyFile == null || certificateValidity == null
        || store == null) {
      throw new IllegalArgumentException("dataDir, transport, limits, masterKeyFile and certificateValidity are required");
    }
    if (consulRoot == null || !consulRoot.matches("[A-Za-z0-9_.-]{1,128}")) {
      throw new IllegalArgumentException("the Consul root must be one key segment (letters, digits, _ - .), was '"
          + consulRoot + "'");
    }
    if (git == null) {
      throw new IllegalArgumentException("git is required (GitSettings.NONE for none)");
    }
    if (anonymousPolicy == null) {
      throw new IllegalArgumentException("anonymousPolicy is required (Acl.NONE for none)");
    }
    if (anonymousPolicy.admin() || anonymousPolicy.readsAnyDevice() || anonymousPolicy.canReadSecrets()) {
      throw new IllegalArgumentException("the anonymous policy may hold only 'read <key pattern>' and"
          + " 'write <key pattern>' rules, was " + anonymousPolicy.rules());
    }
    if (certificateValidity.compareTo(java.time.Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("certificateValidity must be at least a minute, was " + certificateValidity);
    }
  }

  public ServerSettings withDemo(boolean seed) {
    return new ServerSettings(host, port, dataDir, seed, watchHistory, transport, limits, masterKeyFile, certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withPort(int newPort) {
    return new ServerSettings(host, newPort, dataDir, demo, watchHistory, transport, limits, masterKeyFile, certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withWatchHistory(int changeSets) {
    return new ServerSettings(host, port, dataDir, demo, changeSets, transport, limits, masterKeyFile, certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withTransport(Transport how) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, how, limits, masterKeyFile, certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withLimits(Limits newLimits) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, newLimits, masterKeyFile, certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withCertificateValidity(java.time.Duration validity) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, masterKeyFile, validity, store, consulRoot, anonymousPolicy, git);
  }

  public ServerSettings withStore(io.fleetconf.store.StoreUrl where) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, masterKeyFile,
        certificateValidity, Optional.of(where), consulRoot, anonymousPolicy, git);
  }

  /** The store's URL: the one given, or the embedded store in the data directory. */
  public io.fleetconf.store.StoreUrl storeUrl() {
    return store.orElseGet(() -> new io.fleetconf.store.StoreUrl.Sqlite(dataDir.resolve("fleetconf.db")));
  }

  public ServerSettings withConsulRoot(String root) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, masterKeyFile,
        certificateValidity, store, root, anonymousPolicy, git);
  }

  /** Lets requests to the Consul API without a token do what {@code policy} allows. */
  public ServerSettings withAnonymousPolicy(Acl policy) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, masterKeyFile,
        certificateValidity, store, consulRoot, policy, git);
  }

  public ServerSettings withMasterKeyFile(Path file) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, Optional.of(file), certificateValidity, store, consulRoot, anonymousPolicy, git);
  }

  /** Follows these Git repositories (docs/gitops.md). */
  public ServerSettings withGit(io.fleetconf.server.git.GitSettings following) {
    return new ServerSettings(host, port, dataDir, demo, watchHistory, transport, limits, masterKeyFile,
        certificateValidity, store, consulRoot, anonymousPolicy, following);
  }
}
