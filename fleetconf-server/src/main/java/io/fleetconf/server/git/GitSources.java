package io.fleetconf.server.git;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Scope;
import io.fleetconf.git.DesiredState;
import io.fleetconf.git.GitCredentials;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.RepositoryLayout;
import io.fleetconf.server.OwnedKeyException;
import io.fleetconf.server.Replica;
import io.fleetconf.store.Leadership;
import io.fleetconf.store.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Git sources a server follows: one thread polls them all in turn, and every write that does
 * not come from a source is checked against what the sources own (the namespaces their files
 * define and the devices their registries list, as of the last commit each applied, as the store's
 * cursors say). With replicas sharing a database, each source is followed by the one replica that
 * holds its {@link Leadership} name; the others stand by and try to take it every
 * {@link #CLAIM_INTERVAL}.
 */
public final class GitSources implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GitSources.class.getName());
  /** The directory, in the data directory, of the private clones. */
  public static final String CLONES_DIR = "git";
  /** How often a replica that stands by tries to take a source over (and a follower checks it still leads). */
  public static final Duration CLAIM_INTERVAL = Duration.ofSeconds(1);
  private final List<GitFollower> followers;
  private final GitSettings settings;
  private final Leadership leadership;
  /** Each source's webhook secret, read once at start. */
  private final Map<String, byte[]> webhookSecrets;
  /** What the poller is asked to do besides its ticks: fetch one source now (a webhook), or stop. */
  private final LinkedBlockingQueue<Wake> wakes = new LinkedBlockingQueue<>();
  /** The sources with a fetch queued and not yet begun: a burst of webhooks queues one fetch each. */
  private final java.util.Set<GitFollower> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Thread poller;

  private sealed interface Wake {}

  private record FetchNow(GitFollower follower) implements Wake {}

  private record Stop() implements Wake {}

  /** The seal key pair, made or read the first time it is needed, so a server that never seals keeps none. */
  private final java.util.function.Supplier<java.security.KeyPair> sealKey;

  private GitSources(List<GitFollower> followers, GitSettings settings, Leadership leadership,
      Map<String, byte[]> webhookSecrets, java.util.function.Supplier<java.security.KeyPair> sealKey) {
    this.followers = followers;
    this.sealKey = sealKey;
    this.settings = settings;
    this.leadership = leadership;
    this.webhookSecrets = webhookSecrets;
    this.poller = Thread.ofVirtual().name("git-poller").unstarted(this::pollForever);
  }

  /**
   * Opens each source's clone under {@code dataDir}, guards the replica's writes, and starts polling;
   * sealed values in the files are opened with the key pair {@code sealKey} gives (asked once, when
   * first needed).
   */
  public static GitSources start(GitSettings settings, Path dataDir, Replica replica, Clock clock,
      java.util.function.Supplier<java.security.KeyPair> sealKey) {
    settings.sources().forEach(source -> settings.access(source).credentials().check(source.name()));
    Map<String, byte[]> secrets = webhookSecrets(settings);
    java.util.function.Supplier<java.security.KeyPair> once = once(sealKey);
    io.fleetconf.git.Unsealer unsealer = (key, sealed) -> io.fleetconf.git.Sealing.open(once.get(), key, sealed);
    List<GitFollower> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    all.addAll(settings.sources().stream()
        .map(source -> new GitFollower(source, settings.access(source).credentials(),
            dataDir.resolve(CLONES_DIR).resolve(source.name() + ".git"), settings.formatOf(source), replica,
            clock, (self, desired) -> refuseOverlap(all, self, desired), unsealer))
        .toList());
    List<GitFollower> followers = List.copyOf(all);
    GitSources sources = new GitSources(followers, settings,
        followers.isEmpty() ? Leadership.ALONE : replica.store().leadership(), secrets, once);
    replica.guardWith(sources::refuseOwned);
    if (!followers.isEmpty()) {
      followers.forEach(f -> LOG.log(System.Logger.Level.INFO, "following git source " + f.source()
          + " every " + settings.poll().toMillis() + "ms (when this replica holds its lock)"
          + (settings.formatOf(f.source()) == RepositoryLayout.FLEETCONF ? ""
              : ", " + settings.formatOf(f.source()).name() + " layout")));
      sources.poller.start();
    }
    return sources;
  }

  /** The leadership name of a source: one replica of those on the database follows it. */
  static String leadershipName(GitSource source) {
    return "git source " + source.name();
  }

  /** Reads every webhook secret file now, so that a missing one fails the start, naming it. */
  private static Map<String, byte[]> webhookSecrets(GitSettings settings) {
    Map<String, byte[]> secrets = new java.util.HashMap<>();
    for (var source : settings.sources()) {
      settings.access(source).webhookSecret().ifPresent(file -> secrets.put(source.name(),
          GitCredentials.secretFile(file, "webhook secret file of git source '" + source.name() + "'")
              .getBytes(StandardCharsets.UTF_8)));
    }
    return Map.copyOf(secrets);
  }

  /**
   * Every tick (the poll interval, at most {@link #CLAIM_INTERVAL}) claims each source, stands by
   * for those another replica leads and polls those this one leads when due; a webhook's source
   * is polled at once (if this replica leads it).
   */
  private void pollForever() {
    Map<GitFollower, Long> due = new HashMap<>(); // nanoTime of the next poll of each source led
    Duration tick = settings.poll().compareTo(CLAIM_INTERVAL) < 0 ? settings.poll() : CLAIM_INTERVAL;
    while (!closed) {
      followers.forEach(follower -> pollIfLed(follower, due, false));
      Wake wake;
      try {
        wake = wakes.poll(tick.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return;
      }
      switch (wake) {
        case null -> { }
        case Stop stop -> {
          return;
        }
        case FetchNow now -> {
          queued.remove(now.follower()); // before the fetch: a push announced during it gets a fetch of its own
          pollIfLed(now.follower(), due, true);
        }
      }
    }
  }

  private void pollIfLed(GitFollower follower, Map<GitFollower, Long> due, boolean now) {
    try {
      if (!leadership.claim(leadershipName(follower.source()))) {
        due.remove(follower);
        follower.standBy();
      } else if (now || !due.containsKey(follower) || System.nanoTime() - due.get(follower) >= 0) {
        due.put(follower, System.nanoTime() + settings.poll().toNanos()); // at once when just taken over
        follower.poll();
      }
    } catch (RuntimeException e) {
      // The store out of reach, say: the same commits are tried again at the next poll.
      LOG.log(System.Logger.Level.WARNING, "git source " + follower.source().name() + ": poll failed: "
          + e.getMessage());
    }
  }

  /**
   * A webhook call for source {@code name}: checked against its secret, and when it is a signed push
   * to the followed branch, a fetch of that source is queued at once (the answer does not wait for it).
   *
   * @throws NotFoundException when there is no such source, or it has no webhook secret
   */
  public Webhook.Verdict webhook(String name, java.util.function.Function<String, Optional<String>> header,
      byte[] body) {
    GitFollower follower = followers.stream().filter(f -> f.source().name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundException("no git source is named '" + name + "'"));
    byte[] secret = webhookSecrets.get(name);
    if (secret == null) {
      throw new NotFoundException("git source '" + name + "' has no webhook: start the server with"
          + " --git-webhook-secret " + name + "=FILE");
    }
    Webhook.Verdict verdict = Webhook.check(secret, follower.source().branch(), header, body);
    switch (verdict) {
      case Webhook.Fetch fetch -> {
        if (queued.add(follower)) {
          wakes.add(new FetchNow(follower));
        }
      }
      case Webhook.Refused refused -> LOG.log(System.Logger.Level.WARNING, "git source " + name
          + ": webhook refused: " + refused.why());
      case Webhook.Ignored ignored -> { }
    }
    return verdict;
  }

  /** The public key {@code fleetconf seal} seals to. */
  public java.security.PublicKey sealKey() {
    return sealKey.get().getPublic();
  }

  private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> make) {
    java.util.concurrent.atomic.AtomicReference<T> made = new java.util.concurrent.atomic.AtomicReference<>();
    return () -> {
      synchronized (made) {
        if (made.get() == null) {
          made.set(make.get());
        }
        return made.get();
      }
    };
  }

  /** Every source's status, in the order they were given. */
  public List<SourceStatus> statuses() {
    return followers.stream().map(GitFollower::status).toList();
  }

  /** Refuses a proposal that does not apply a commit and touches what a source owns. */
  void refuseOwned(Proposal proposal) {
    if (proposal.commit().isPresent() || followers.isEmpty()) {
      return;
    }
    // Read from the store, not remembered: the replica that follows a source may be another one.
    for (Mutation mutation : proposal.mutations()) {
      for (GitFollower follower : followers) {
        owner(mutation, follower.stored().cursor().owned()).ifPresent(owned -> {
          throw new OwnedKeyException(owned.getKey(), follower.source().name(), owned.getValue());
        });
      }
    }
  }

  /** Refuses {@code desired} of {@code self} if it defines a namespace or device another source owns. */
  private static void refuseOverlap(List<GitFollower> all, GitFollower self, DesiredState desired) {
    for (GitFollower other : all) {
      if (other == self) {
        continue;
      }
      DesiredState owned = other.stored().cursor().owned();
      desired.namespaces().forEach((namespace, file) -> {
        if (owned.namespaces().containsKey(namespace)) {
          throw new io.fleetconf.core.InvalidInputException("owned_by_git", file + " defines " + namespace
              + ", which git source '" + other.source().name() + "' owns (" + owned.namespaces().get(namespace) + ")");
        }
      });
      desired.deviceIds().stream().filter(owned.devices()::containsKey).findFirst().ifPresent(id -> {
        throw new io.fleetconf.core.InvalidInputException("owned_by_git", desired.registryFile().orElseThrow()
            + " lists device " + id + ", which git source '" + other.source().name() + "' owns ("
            + owned.registryFile().orElseThrow() + ")");
      });
    }
  }

  /** What of {@code state} the mutation would touch, and the file that holds it. */
  private static Optional<Map.Entry<String, String>> owner(Mutation mutation, DesiredState state) {
    return switch (mutation) {
      case Mutation.Put put -> entry(put.key(), state);
      case Mutation.Delete delete -> entry(delete.key(), state);
      case Mutation.Check check -> Optional.empty();
      case Mutation.SwapSetting swap -> Optional.empty();
      case Mutation.DeleteTree tree -> state.namespaces().entrySet().stream()
          .filter(ns -> ns.getKey().isUnder(tree.prefix()) || tree.prefix().isUnder(ns.getKey()))
          .findFirst().map(ns -> Map.entry(tree.prefix().toString(), ns.getValue()));
      case Mutation.CreateDevice create -> device(create.device().id(), state);
      case Mutation.UpdateDevice update -> device(update.device().id(), state);
      case Mutation.DeleteDevice delete -> device(delete.id(), state).or(() -> state.namespaces().entrySet().stream()
          .filter(ns -> ns.getKey().scope().equals(new Scope.Device(delete.id()))).findFirst()
          .map(ns -> Map.entry("device " + delete.id(), ns.getValue())));
    };
  }

  private static Optional<Map.Entry<String, String>> entry(Key key, DesiredState state) {
    return state.fileOf(key).map(file -> Map.entry(key.toString(), file));
  }

  private static Optional<Map.Entry<String, String>> device(DeviceId id, DesiredState state) {
    return state.devices().containsKey(id)
        ? Optional.of(Map.entry("device " + id, state.registryFile().orElseThrow())) : Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
    if (followers.isEmpty()) {
      return; // the poller never started, and a thread not started cannot be joined
    }
    wakes.add(new Stop());
    poller.interrupt();
    try {
      poller.join(java.time.Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    followers.forEach(GitFollower::close);
    leadership.close();
  }
}
