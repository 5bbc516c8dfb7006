package io.fleetconf.server.git;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Scope;
import io.fleetconf.git.DesiredState;
import io.fleetconf.server.OwnedKeyException;
import io.fleetconf.server.Replica;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Git sources a server follows: one thread polls them all in turn, and every write that does
 * not come from a source is checked against what the sources own (the namespaces their files
 * define and the devices their registries list, as of the last commit each applied).
 */
public final class GitSources implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GitSources.class.getName());
  /** The directory, in the data directory, of the private clones. */
  public static final String CLONES_DIR = "git";
  private final List<GitFollower> followers;
  private final GitSettings settings;
  /** The seal key pair, made or read the first time it is needed, so a server that never seals keeps none. */
  private final java.util.function.Supplier<java.security.KeyPair> sealKey;
  private final SynchronousQueue<Boolean> stop = new SynchronousQueue<>();
  private volatile boolean closed;
  private final Thread poller;

  private GitSources(List<GitFollower> followers, GitSettings settings,
      java.util.function.Supplier<java.security.KeyPair> sealKey) {
    this.followers = followers;
    this.sealKey = sealKey;
    this.settings = settings;
    this.poller = Thread.ofVirtual().name("git-poller").unstarted(this::pollForever);
  }

  /**
   * Opens each source's clone under {@code dataDir}, guards the replica's writes, and starts polling;
   * sealed values in the files are opened with the key pair {@code sealKey} gives (asked once, when
   * first needed).
   */
  public static GitSources start(GitSettings settings, Path dataDir, Replica replica, Clock clock,
      java.util.function.Supplier<java.security.KeyPair> sealKey) {
    java.util.function.Supplier<java.security.KeyPair> once = once(sealKey);
    List<GitFollower> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    all.addAll(settings.sources().stream()
        .map(source -> new GitFollower(source, dataDir.resolve(CLONES_DIR).resolve(source.name() + ".git"), replica,
            clock, (self, desired) -> refuseOverlap(all, self, desired), (key, sealed) -> io.fleetconf.git.Sealing.open(once.get(), key, sealed)))
        .toList());
    List<GitFollower> followers = List.copyOf(all);
    GitSources sources = new GitSources(followers, settings, once);
    replica.guardWith(sources::refuseOwned);
    if (!followers.isEmpty()) {
      followers.forEach(f -> LOG.log(System.Logger.Level.INFO, "following git source " + f.source()
          + " every " + settings.poll().toMillis() + "ms"));
      sources.poller.start();
    }
    return sources;
  }

  private void pollForever() {
    while (!closed) {
      for (GitFollower follower : followers) {
        try {
          follower.poll();
        } catch (RuntimeException e) {
          // The store out of reach, say: the same commits are tried again at the next poll.
          LOG.log(System.Logger.Level.WARNING, "git source " + follower.source().name() + ": poll failed: "
              + e.getMessage());
        }
      }
      try {
        if (stop.poll(settings.poll().toNanos(), TimeUnit.NANOSECONDS) != null) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
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
    for (Mutation mutation : proposal.mutations()) {
      for (GitFollower follower : followers) {
        owner(mutation, follower.applied()).ifPresent(owned -> {
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
      DesiredState owned = other.applied();
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
    stop.offer(Boolean.TRUE);
    poller.interrupt();
    try {
      poller.join(java.time.Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    followers.forEach(GitFollower::close);
  }
}
