package io.fleetconf.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A service's config, kept current: code defaults &lt; local files &lt; the server's effective
 * config for this device. It starts from the server if it answers within the start timeout, else
 * from the disk cache (stale), else from files and defaults; then a background virtual thread
 * long-polls the server, backing off with jitter while it is away, and listeners hear of every
 * change. Build one with {@link #builder()}.
 */
public final class FleetconfClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FleetconfClient.class.getName());

  private final ClientSettings settings;
  private final Optional<ServerLink> server;
  private final Optional<DiskCache> cache;
  private final ReentrantLock updates = new ReentrantLock();
  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<Config>> answerListeners = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile Config current = Config.empty();
  private volatile ClientStatus status = ClientStatus.initial();
  private volatile boolean closed;
  private ObjectNode files = JsonNodeFactory.instance.objectNode();
  private Optional<ObjectNode> served = Optional.empty();
  private java.util.List<String> servedSecrets = java.util.List.of();
  private Revision revision = Revision.ZERO;
  private Source serverSource = Source.DEFAULTS;

  private record Registration(String path, ConfigListener listener) {}

  static {
    io.fleetconf.client.internal.ClientPlumbing.install(new Plumbing());
  }

  FleetconfClient(ClientSettings settings) {
    this.settings = settings;
    this.server = settings.servers().isEmpty() ? Optional.empty() : Optional.of(new ServerLink(settings.servers(),
        settings.credentials(), settings.connectTimeout()));
    this.cache = settings.cacheDirectory().map(dir -> new DiskCache(dir, settings.deviceId()));
  }

  public static ClientBuilder builder() {
    return new ClientBuilder();
  }

  /** Reads files, fetches from the server (bounded by the start timeout), and starts watching. */
  FleetconfClient start() {
    // Fingerprint before reading, so that an edit racing with start-up is seen as a change.
    List<String> fileState = fingerprints();
    reloadFiles();
    server.ifPresent(link -> {
      if (!fetchAtStart(link)) {
        startFromCache();
      }
      threads.add(Thread.ofVirtual().name("fleetconf-watch").start(() -> watch(link)));
    });
    if (served.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, settings.files().isEmpty()
          ? "fleetconf: using the code defaults only"
          : "fleetconf: using local files " + settings.files().stream().map(LocalFile::path).toList()
              + " over the code defaults");
    }
    if (settings.followFiles() && !settings.files().isEmpty()) {
      threads.add(Thread.ofVirtual().name("fleetconf-files").start(() -> followFiles(fileState)));
    }
    if (settings.reloadOnSighup()) {
      Signals.onHangup(this::reloadFiles);
    }
    return this;
  }

  /** How the link to the server is doing. */
  public ClientStatus status() {
    return status;
  }

  /** The current config: one consistent, immutable view. */
  public Config config() {
    return current;
  }

  /** A typed handle on a string value. */
  public Property<String> stringProperty(String path, String fallback) {
    return new Property<>(this, path, config -> config.getString(path, fallback));
  }

  public Property<Integer> intProperty(String path, int fallback) {
    return new Property<>(this, path, config -> config.getInt(path, fallback));
  }

  public Property<Boolean> booleanProperty(String path, boolean fallback) {
    return new Property<>(this, path, config -> config.getBoolean(path, fallback));
  }

  public Property<Duration> durationProperty(String path, Duration fallback) {
    return new Property<>(this, path, config -> config.getDuration(path, fallback));
  }

  /** A handle on the subtree at {@code path}, bound to a record or class. */
  public <T> Property<T> boundProperty(String path, Class<T> type) {
    return new Property<>(this, path, config -> config.bind(path, type));
  }

  /** A handle read by any function of the config. */
  public <T> Property<T> property(String path, Function<Config, T> read) {
    return new Property<>(this, path, read);
  }

  /**
   * Calls {@code listener} once per change of the value at {@code path} or anywhere below it
   * ({@code ""} for everything). A listener that throws is logged and does not stop the others.
   */
  public Subscription listen(String path, ConfigListener listener) {
    Registration registration = new Registration(path, Objects.requireNonNull(listener, "listener"));
    listeners.add(registration);
    return () -> listeners.remove(registration);
  }

  /**
   * Calls {@code listener} after every answer from the server, changed or not (a long-poll that
   * ended, a resync): for callers that confirm each revision, such as the agent's reports (through
   * {@link Plumbing}).
   */
  Subscription onServerAnswer(java.util.function.Consumer<Config> listener) {
    answerListeners.add(Objects.requireNonNull(listener, "listener"));
    return () -> answerListeners.remove(listener);
  }

  /** The link to the servers, for the agent's POSTs through {@link Plumbing}. */
  ServerLink link() {
    return server.orElseThrow(() -> new IllegalStateException("this client has no server"));
  }

  /** Re-reads the local files now, as SIGHUP does. */
  public void reloadFiles() {
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    for (LocalFile file : settings.files()) {
      try {
        merged.setAll(file.read());
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf: cannot read " + file.path() + ": " + e.getMessage()
            + "; keeping what it held before");
        files.properties().stream().filter(f -> file.namespace().isEmpty() || f.getKey().equals(file.namespace()))
            .forEach(f -> merged.set(f.getKey(), f.getValue()));
      }
    }
    update(() -> files = merged);
  }

  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
  }

  /** Asks each server in turn, until one answers or the start timeout ends. */
  private boolean fetchAtStart(ServerLink link) {
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    try {
      ServerLink.Answer answer = null;
      for (int tried = 1; answer == null; tried++) {
        try {
          answer = link.fetch(settings.deviceId(), OptionalLong.empty(), Duration.ZERO,
              Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
          if (tried >= link.size() || System.nanoTime() >= deadline) {
            throw e;
          }
        }
      }
      accept(answer.revision(), answer.config(), answer.secrets(), Source.SERVER);
      status = ClientStatus.connectedNow();
      LOG.log(System.Logger.Level.INFO, "fleetconf: using config from " + link.current()
          + " at revision " + answer.revision());
      return true;
    } catch (IOException e) {
      status = ClientStatus.failing(1, reason(e));
      LOG.log(System.Logger.Level.WARNING, "fleetconf: the server did not answer at start (" + reason(e) + ")");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void startFromCache() {
    cache.flatMap(DiskCache::load).ifPresentOrElse(cached -> {
      update(() -> {
        served = Optional.of(filter(cached.config()));
        servedSecrets = cached.secrets();
        revision = cached.revision();
        serverSource = Source.CACHE;
      });
      LOG.log(System.Logger.Level.WARNING, "fleetconf: using the cached config of revision " + cached.revision()
          + " (stale) until the server answers");
    }, () -> LOG.log(System.Logger.Level.WARNING, "fleetconf: no cached config either"));
  }

  private void watch(ServerLink link) {
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    while (!closed) {
      try {
        OptionalLong index = served.isPresent() && serverSource == Source.SERVER
            ? OptionalLong.of(revision.value()) : OptionalLong.of(0);
        // The server may add up to wait/16 of jitter; allow for it and the network.
        Duration timeout = settings.pollWait().plus(settings.pollWait().dividedBy(8)).plusSeconds(10);
        ServerLink.Answer answer = link.fetch(settings.deviceId(), index, settings.pollWait(), timeout);
        if (backoff.attempts() > 0) {
          LOG.log(System.Logger.Level.INFO, "fleetconf: the server is back, at revision " + answer.revision());
        }
        backoff.reset();
        status = ClientStatus.connectedNow();
        if (!accept(answer.revision(), answer.config(), answer.secrets(), Source.SERVER)
            && !sleep(settings.backoffBase())) {
          return; // a replica behind the revision we hold answers at once: give it time to catch up
        }
      } catch (IOException e) {
        Duration pause = backoff.next();
        status = ClientStatus.failing(backoff.attempts(), reason(e));
        LOG.log(backoff.attempts() == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
            "fleetconf: cannot reach the server (" + reason(e) + "); keeping revision " + revision
                + ", retrying in " + pause.toMillis() + " ms");
        if (!sleep(pause)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Takes an answer unless it is older than what the client holds (a replica behind); says which. */
  private boolean accept(Revision answered, ObjectNode config, java.util.List<String> secrets, Source source) {
    boolean[] taken = {false};
    update(() -> {
      if (revision.isAfter(answered) && serverSource == Source.SERVER) {
        return; // never go back to an older revision
      }
      taken[0] = true;
      served = Optional.of(filter(config));
      servedSecrets = java.util.List.copyOf(secrets);
      revision = answered;
      serverSource = source;
    });
    if (!taken[0]) {
      return false;
    }
    Config now = current;
    for (var listener : answerListeners) {
      try {
        listener.accept(now);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fleetconf: an answer listener failed", e);
      }
    }
    cache.ifPresent(disk -> {
      try {
        disk.save(answered, config, secrets);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf: cannot write the config cache " + disk.file() + ": "
            + e.getMessage());
      }
    });
    return true;
  }

  private ObjectNode filter(ObjectNode config) {
    if (settings.namespaces().isEmpty()) {
      return config;
    }
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    settings.namespaces().forEach(ns -> {
      if (config.has(ns)) {
        kept.set(ns, config.get(ns));
      }
    });
    return kept;
  }

  /** Applies a state change, rebuilds the config, and tells listeners, one update at a time. */
  private void update(Runnable change) {
    updates.lock();
    try {
      change.run();
      Config previous = current;
      List<Layer> layers = new ArrayList<>();
      layers.add(Layer.ofTree(settings.defaults(), Scope.DEFAULTS));
      layers.add(Layer.ofTree(files, Scope.GLOBAL));
      // Served nulls are values (an imported Ansible null), not deletions of a default.
      served.ifPresent(tree -> layers.add(Layer.ofResolved(tree, Scope.GLOBAL)));
      Source source = served.isPresent() ? serverSource : settings.files().isEmpty() ? Source.DEFAULTS : Source.FILES;
      Config next = new Config(EffectiveConfig.merge(layers).tree(), revision, source,
          served.isPresent() ? servedSecrets : java.util.List.of());
      current = next;
      notifyListeners(previous, next);
    } finally {
      updates.unlock();
    }
  }

  private void notifyListeners(Config previous, Config next) {
    settings.logLevelKey().ifPresent(key -> {
      String before = previous.getString(key, "");
      String after = next.getString(key, "");
      if (!after.isEmpty() && !after.equals(before)) {
        LogLevels.apply(after);
      }
    });
    for (Registration registration : listeners) {
      var before = previous.get(registration.path());
      var after = next.get(registration.path());
      if (before.equals(after)) {
        continue;
      }
      try {
        registration.listener().changed(new ConfigChange(registration.path(), before, after, previous, next));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fleetconf: a listener on '" + registration.path() + "' failed", e);
      }
    }
  }

  private void followFiles(List<String> initial) {
    List<String> seen = initial;
    while (!closed && sleep(settings.filePollInterval())) {
      List<String> now = fingerprints();
      if (!now.equals(seen)) {
        seen = now;
        LOG.log(System.Logger.Level.INFO, "fleetconf: a local config file changed; reloading");
        reloadFiles();
      }
    }
  }

  private List<String> fingerprints() {
    List<String> out = new ArrayList<>();
    for (LocalFile file : settings.files()) {
      try {
        out.add(java.nio.file.Files.getLastModifiedTime(file.path()) + "/" + java.nio.file.Files.size(file.path())
            + "/" + java.nio.file.Files.readString(file.path()).hashCode());
      } catch (IOException e) {
        out.add("missing");
      }
    }
    return out;
  }

  /** A failure as a person reads it; the JDK leaves some messages empty (a refused connection). */
  private static String reason(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private boolean sleep(Duration pause) {
    try {
      Thread.sleep(pause);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
