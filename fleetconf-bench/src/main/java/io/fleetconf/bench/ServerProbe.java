package io.fleetconf.bench;

import io.fleetconf.server.FleetServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What the bench reads about the in-process server beside its API: how many requests the watch
 * hub holds, how many held device watches it has woken for a change, and the server port's
 * established connections in {@code /proc/net/tcp}.
 */
final class ServerProbe {
  /** The state column of {@code /proc/net/tcp} for an established connection. */
  private static final String ESTABLISHED = "01";
  private final IntSupplier held;
  private final LongSupplier woken;
  private final int port;

  private ServerProbe(IntSupplier held, LongSupplier woken, int port) {
    this.held = held;
    this.woken = woken;
    this.port = port;
  }

  /** The held count is the only exact signal that every long-poll has reached the hub. */
  static ServerProbe of(FleetServer server) {
    return new ServerProbe(server::heldWatches, server::watchesWoken, server.port());
  }

  int held() {
    return held.getAsInt();
  }

  /**
   * Held device watches the server answered because a change concerned them, since it started
   * ({@link FleetServer#watchesWoken()}): read after a device has a change, it counts that change
   * set's whole fan-out.
   */
  long woken() {
    return woken.getAsLong();
  }

  /** Waits until the hub holds {@code count} requests; returns how long that took. */
  Duration awaitHeld(int count, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    int now;
    while ((now = held()) != count) {
      if (System.nanoTime() > deadline) {
        throw new BenchTimeout("the server held " + now + " of " + count + " long-polls after "
            + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchException("interrupted while waiting for held long-polls");
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The server's established connections, as {@link #peers()} counts them. */
  int connections() {
    return peers().size();
  }

  /**
   * The remote ends (address:port, as {@code /proc/net/tcp} and {@code tcp6} write them) of the
   * server's established connections; empty without {@code /proc}. A peer missing from a later
   * set is a connection that was closed, and replaced if the count is the same.
   */
  Set<String> peers() {
    String local = String.format(":%04X", port);
    Set<String> peers = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        List<String> lines = Files.readAllLines(Path.of(table));
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.strip().split("\\s+");
          if (fields[1].endsWith(local) && fields[3].equals(ESTABLISHED)) {
            peers.add(fields[2]);
          }
        }
      } catch (IOException e) {
        // no /proc: an empty answer, reported as such
      }
    }
    return peers;
  }
}
