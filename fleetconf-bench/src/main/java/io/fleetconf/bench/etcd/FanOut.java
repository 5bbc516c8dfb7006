package io.fleetconf.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.fleetconf.bench.Distribution;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watcher count on a fresh etcd: N watchers of one key in this JVM, spread over
 * ceil(N / watchers-per-client) clients, then warm-up and measured rounds of one put to that key by
 * a client of its own. With N = 0 only the put is measured. Mirrors fleetconf's {@code Scenario},
 * whose devices are likewise one process apart from the server; here the server is etcd, and the
 * watchers and the writer share the bench JVM, so one clock times both the put and the deliveries.
 *
 * <p>{@link Connections#MULTIPLEXED} puts watchers-per-client watches on each jetcd client (one HTTP/2
 * connection each, its own Vert.x event loops and executor); {@link Connections#ONE_PER_DEVICE} gives
 * every watcher a jetcd client of its own, as a real fleet of boxes would hold, and all those clients
 * share one Vert.x instance (its event loops, one per CPU) and one executor, so that a connection costs
 * a socket, an HTTP/2 session and a gRPC channel but no threads of its own.
 */
final class FanOut {
  static final ByteSequence KEY = bytes("/fleet/global/common/log_level");
  private static final int SITES = 20;
  private static final int DEVICE_TYPES = 3;
  private static final Duration OPENING_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration PUT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How one watcher count's watches were held: clients, time to open them all, etcd's memory
   * without and with them; and etcd's WAL fsyncs during the rounds.
   */
  record Context(int watchers, int clients, Duration opened, long rssIdle, long rssHeld, EtcdServer.Fsyncs fsyncs) {}

  /** One watcher count's run: its results, and how its watches were held if they all were. */
  record FanOutRun(List<EtcdResult> results, Optional<Context> context) {}

  /** How the watchers reach etcd. */
  enum Connections {
    /** watchers-per-client watchers share each client's one connection. */
    MULTIPLEXED,
    /** Each watcher has a client and connection of its own; the clients share event loops and an executor. */
    ONE_PER_DEVICE
  }

  /** One round: the value every watcher must see, and when each saw it (0: not yet). */
  private record Round(ByteSequence value, long[] arrivals, AtomicInteger missing, CountDownLatch done) {}

  private final int watchers;
  private final Connections connections;
  private final EtcdSettings settings;
  private final Problems problems = new Problems();
  private final CountDownLatch created;
  private final List<Long> allHave = new ArrayList<>();
  private final List<long[]> deliveries = new ArrayList<>();
  private final List<Long> puts = new ArrayList<>();
  private volatile Round current;
  private volatile boolean closing;
  private Context context;

  private FanOut(int watchers, Connections connections, EtcdSettings settings) {
    this.watchers = watchers;
    this.connections = connections;
    this.settings = settings;
    this.created = new CountDownLatch(watchers);
  }

  /** Runs one watcher count to the end, or as far as it gets: a failure is part of the result. */
  static FanOutRun run(int watchers, Connections connections, EtcdSettings settings) {
    FanOut fanOut = new FanOut(watchers, connections, settings);
    Optional<String> failure = Optional.empty();
    try (EtcdServer etcd = EtcdServer.start()) {
      fanOut.run(etcd);
    } catch (RuntimeException e) {
      failure = Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
      fanOut.log("FAILED: " + e);
    }
    return fanOut.outcome(failure);
  }

  private void run(EtcdServer etcd) {
    List<Client> clients = new ArrayList<>();
    boolean shared = connections == Connections.ONE_PER_DEVICE;
    int perClient = shared ? 1 : settings.watchersPerClient();
    Vertx vertx = shared ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime()
        .availableProcessors()).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)) : null;
    ExecutorService executor = shared ? Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors()) : null;
    try (Client writer = Client.builder().endpoints(etcd.endpoint()).build()) {
      seed(writer);
      long rssIdle = etcd.rssBytes();
      int clientCount = (watchers + perClient - 1) / perClient;
      for (int c = 0; c < clientCount; c++) {
        clients.add(shared ? Client.builder().endpoints(etcd.endpoint()).vertx(vertx).executorService(executor).build()
            : Client.builder().endpoints(etcd.endpoint()).build());
      }
      long start = System.nanoTime();
      // jetcd opens one gRPC stream per watch; the streams of a client share its one HTTP/2 connection.
      WatchOption option = WatchOption.builder().withCreateNotify(true).build();
      for (int i = 0; i < watchers; i++) {
        int index = i;
        clients.get(i / perClient).getWatchClient().watch(KEY, option,
            Watch.listener(response -> onResponse(index, response), problems::add, () -> {
              if (!closing) {
                problems.add("a watch ended while the bench still used it");
              }
            }));
      }
      await(created, OPENING_TIMEOUT, () -> "only " + (watchers - created.getCount()) + " of " + watchers
          + " watches were created within " + OPENING_TIMEOUT.toSeconds() + " s");
      Duration opened = Duration.ofNanos(System.nanoTime() - start);
      sleep(Duration.ofSeconds(1)); // let etcd's per-watch work settle before reading its memory
      long rssHeld = etcd.rssBytes();
      if (watchers > 0) {
        log(String.format("%d watches on %d clients created in %.1f s; etcd RSS %.1f -> %.1f MiB", watchers,
            clientCount, opened.toNanos() / 1e9, rssIdle / 1048576.0, rssHeld / 1048576.0));
      }
      EtcdServer.Fsyncs before = etcd.fsyncs();
      rounds(writer);
      context = new Context(watchers, clientCount, opened, rssIdle, rssHeld, etcd.fsyncs().since(before));
    } finally {
      closing = true;
      clients.forEach(Client::close);
      if (shared) {
        executor.shutdownNow();
        vertx.close();
      }
    }
  }

  /** The same small tree as fleetconf's fan-out seeds: one global key, a key per site and per device type. */
  private void seed(Client writer) {
    put(writer, KEY, bytes("v-seed"));
    for (int site = 1; site <= SITES; site++) {
      put(writer, bytes(String.format("/fleet/groups/site/s%02d/common/dvr_ip", site)),
          bytes(String.format("10.0.%d.1", site)));
    }
    for (int type = 1; type <= DEVICE_TYPES; type++) {
      put(writer, bytes("/fleet/groups/device_type/t" + type + "/orchestrator/fps"), bytes(Integer.toString(type * 10)));
    }
  }

  private void rounds(Client writer) {
    int total = settings.warmups() + settings.rounds();
    for (int n = 0; n < total; n++) {
      boolean measured = n >= settings.warmups();
      sleep(settings.settle()); // a watch stays open between rounds: nothing to re-establish, only the same pause
      Round round = new Round(bytes("v" + n), new long[watchers], new AtomicInteger(watchers), new CountDownLatch(1));
      if (watchers == 0) {
        round.done().countDown();
      }
      current = round;
      long start = System.nanoTime();
      put(writer, KEY, round.value());
      long acked = System.nanoTime();
      int number = n;
      await(round.done(), ROUND_TIMEOUT, () -> "round " + number + ": only " + (watchers - round.missing().get())
          + " of " + watchers + " watchers had the event within " + ROUND_TIMEOUT.toSeconds() + " s");
      long last = start;
      long[] times = new long[watchers];
      for (int i = 0; i < watchers; i++) {
        times[i] = round.arrivals()[i] - start;
        last = Math.max(last, round.arrivals()[i]);
      }
      if (measured) {
        puts.add(acked - start);
        if (watchers > 0) {
          allHave.add(last - start);
          deliveries.add(times);
        }
      }
      log(String.format("%s %d: put %.1f ms", measured ? "round  " : "warm-up", n, (acked - start) / 1e6)
          + (watchers == 0 ? "" : String.format(", all %d watchers in %.1f ms", watchers, (last - start) / 1e6)));
    }
  }

  /** A watch callback: runs on the client's transport threads, so it only notes the time. */
  private void onResponse(int index, WatchResponse response) {
    long now = System.nanoTime();
    if (response.isCreatedNotify()) {
      created.countDown();
      return;
    }
    Round round = current;
    for (WatchEvent event : response.getEvents()) {
      if (round == null || event.getEventType() != WatchEvent.EventType.PUT
          || !event.getKeyValue().getValue().equals(round.value())) {
        problems.add("an event that is not the round's put");
      } else if (round.arrivals()[index] != 0) {
        problems.add("the round's event twice");
      } else {
        round.arrivals()[index] = now;
        if (round.missing().decrementAndGet() == 0) {
          round.done().countDown();
        }
      }
    }
  }

  private FanOutRun outcome(Optional<String> failure) {
    List<String> lines = new ArrayList<>(problems.lines());
    failure.ifPresent(why -> lines.add(0, "FAILED: " + why));
    int done = puts.size();
    if (done < settings.rounds()) {
      lines.add("only " + done + " of " + settings.rounds() + " measured rounds completed");
    }
    List<EtcdResult> results = new ArrayList<>();
    if (connections == Connections.ONE_PER_DEVICE) {
      results.add(new EtcdResult(EtcdResult.Scenario.FAN_OUT_ONE_CONNECTION_EACH, watchers, latency(allHave),
          OptionalDouble.empty(), allHave.size(), lines));
      return new FanOutRun(results, Optional.empty());
    }
    if (watchers > 0) {
      results.add(new EtcdResult(EtcdResult.Scenario.FAN_OUT, watchers, latency(allHave), OptionalDouble.empty(),
          allHave.size(), lines));
      long[] pooled = deliveries.stream().flatMapToLong(java.util.Arrays::stream).toArray();
      results.add(new EtcdResult(EtcdResult.Scenario.DELIVERY, watchers, Distribution.of(pooled), OptionalDouble.empty(),
          pooled.length, lines));
    }
    results.add(new EtcdResult(EtcdResult.Scenario.PUT_UNDER_LOAD, watchers, latency(puts), OptionalDouble.empty(),
        puts.size(), lines));
    return new FanOutRun(results, Optional.ofNullable(context));
  }

  private static Distribution latency(List<Long> nanos) {
    return Distribution.of(nanos.stream().mapToLong(Long::longValue).toArray());
  }

  private static void put(Client client, ByteSequence key, ByteSequence value) {
    try {
      client.getKVClient().put(key, value).get(PUT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("put " + key + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void await(CountDownLatch latch, Duration timeout, java.util.function.Supplier<String> why) {
    try {
      if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(why.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private void log(String line) {
    System.err.println("[etcd, " + watchers + " watchers"
        + (connections == Connections.ONE_PER_DEVICE ? ", one connection each" : "") + "] " + line);
  }
}
