package io.fleetconf.bench;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import io.fleetconf.store.StoreUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fleet size: a fresh server in this JVM, {@code size} registered devices, the devices
 * process holding a long-poll or an event stream each, then warm-up and measured rounds of one
 * global change.
 */
final class Scenario {
  static final int SITES = 20;
  static final int DEVICE_TYPES = 3;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration OPENING_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration HELD_TIMEOUT = Duration.ofMinutes(1);
  private static final int REGISTRATION_THREADS = 16;
  private static final String KEY = "/api/v1/entries/global/common/log_level";

  private final int size;
  private final BenchSettings settings;
  private final Result.Builder result;

  private Scenario(int size, BenchSettings settings) {
    this.size = size;
    this.settings = settings;
    this.result = new Result.Builder(size, settings.transport());
  }

  /** Runs one size to the end, or as far as it gets: a failure is part of the result. */
  static Result run(int size, BenchSettings settings) {
    Scenario scenario = new Scenario(size, settings);
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("fleetconf-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp data dir", e);
    }
    try {
      scenario.run(dataDir);
    } catch (RuntimeException e) {
      scenario.result.failure(e.getMessage() == null ? e.toString() : e.getMessage());
      scenario.log("FAILED: " + e);
    } finally {
      TempDirs.delete(dataDir);
    }
    return scenario.result.build();
  }

  private void run(Path dataDir) {
    ServerSettings serverSettings = ServerSettings.of("127.0.0.1", 0, dataDir)
        .withTransport(new ServerSettings.Transport.PlainHttp()).withLimits(io.fleetconf.server.security.Limits.NONE);
    Optional<BenchSchema> schema = settings.postgresUrl().map(BenchSchema::create);
    try {
      if (schema.isPresent()) {
        log("PostgreSQL, fresh schema " + schema.get().name());
        serverSettings = serverSettings.withStore(StoreUrl.parse(schema.get().url(), Optional.empty()));
      }
      run(serverSettings, schema);
    } finally {
      schema.ifPresent(BenchSchema::close);
    }
  }

  private void run(ServerSettings serverSettings, Optional<BenchSchema> schema) {
    try (FleetServer server = FleetServer.start(serverSettings)) {
      schema.ifPresent(fresh -> fresh.server.set(server));
      String token = server.bootstrapToken()
          .orElseThrow(() -> new BenchException("no admin token on a fresh data dir"));
      AdminClient admin = new AdminClient(server.uri(), token);
      ServerProbe probe = ServerProbe.of(server);
      seed(admin);
      register(admin);
      result.idle(Memory.settled());
      log("idle: " + result.idleLine());
      FocusedRounds.alone(admin, settings, result.extras(), Extras.Phase.BEFORE, this::log);
      try (DevicesProcess devices = DevicesProcess.start(server.uri(), token, size, WAIT, settings.transport())) {
        try {
          long opened = opening(devices);
          probe.awaitHeld(size, HELD_TIMEOUT);
          log(String.format("all %d devices hold %s (first answers took %.1f s)", size, settings.transport().holds(),
              opened / 1e9));
          result.held(Memory.settled(), probe.held(), probe.connections());
          log("held: " + result.heldLine());
          rounds(admin, probe, devices);
          FocusedRounds focused = new FocusedRounds(admin, probe, devices, size, settings, result.extras(), this::log);
          focused.writer();
          focused.group();
          focused.targeted(); // last: its overrides would keep a later global change from those devices
        } catch (RuntimeException e) {
          summaryAfter(e, devices);
          throw e;
        }
        summary(devices);
      }
      // The server does not notice that a held request's connection closed: a long-poll ends when its wait does,
      // an event stream when its next keep-alive finds the connection gone.
      int stillHeld = probe.held();
      Duration released = probe.awaitHeld(0, WAIT.plus(HELD_TIMEOUT));
      log(String.format("the devices quit; the server held %d watches of closed connections for %.1f s more",
          stillHeld, released.toNanos() / 1e9));
      FocusedRounds.alone(admin, settings, result.extras(), Extras.Phase.AFTER, this::log);
    }
  }

  /** Waits for every device's first answer; returns how long that took. */
  private long opening(DevicesProcess devices) {
    try {
      return Long.parseLong(devices.await("done", OPENING_TIMEOUT)[2]);
    } catch (BenchTimeout e) {
      throw new BenchException("the devices did not all get a first answer within " + OPENING_TIMEOUT.toSeconds()
          + " s: " + devices.status());
    }
  }

  /** A small tree so that each device's effective config merges three levels. */
  static void seed(AdminClient admin) {
    admin.put(KEY, "\"v-seed\"");
    for (int site = 1; site <= SITES; site++) {
      admin.put(String.format("/api/v1/entries/groups/site/s%02d/common/dvr_ip", site),
          String.format("\"10.0.%d.1\"", site));
    }
    for (int type = 1; type <= DEVICE_TYPES; type++) {
      admin.put("/api/v1/entries/groups/device_type/t" + type + "/orchestrator/fps", Integer.toString(type * 10));
    }
  }

  private void register(AdminClient admin) {
    Duration took = register(admin, size);
    result.registration(took);
    log(String.format("registered %d devices in %.1f s (revision %d)", size, took.toNanos() / 1e9, admin.revision()));
  }

  /** Registers {@code size} devices over HTTP from 16 concurrent callers; returns how long it took. */
  static Duration register(AdminClient admin, int size) {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < REGISTRATION_THREADS; i++) {
        workers.add(pool.submit(() -> {
          for (int device = next.getAndIncrement(); device < size; device = next.getAndIncrement()) {
            String body = String.format("{\"id\":\"%s\",\"groups\":[\"site/s%02d\",\"device_type/t%d\"]}",
                Main.deviceId(device), device % SITES + 1, device % DEVICE_TYPES + 1);
            admin.post("/api/v1/devices", body);
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : new BenchException("registration failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while registering devices", e);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void rounds(AdminClient admin, ServerProbe probe, DevicesProcess devices) {
    long revision = admin.revision();
    Set<String> peers = probe.peers();
    int total = settings.warmups() + settings.rounds();
    for (int round = 0; round < total; round++) {
      boolean measured = round >= settings.warmups();
      sleep(settings.settle());
      revision = round(admin, probe, devices, revision + 1, "v" + round, measured);
      Duration reheld = probe.awaitHeld(size, HELD_TIMEOUT);
      Set<String> now = probe.peers();
      long replaced = peers.stream().filter(peer -> !now.contains(peer)).count();
      peers = now;
      if (measured) {
        result.between(reheld, replaced);
      }
    }
  }

  /** One global write that every device must see; returns the revision it made. */
  private long round(AdminClient admin, ServerProbe probe, DevicesProcess devices, long expected, String value,
      boolean measured) {
    long wokenBefore = probe.woken();
    long asked = System.nanoTime();
    devices.send("expect " + expected + " " + value + (measured ? " measured" : " warmup"));
    devices.await("armed", Duration.ofSeconds(30));
    long armed = System.nanoTime();
    long cpuAtArmed = ProcessCpu.nanos();
    long written = admin.put(KEY, "\"" + value + "\"");
    long wrote = System.nanoTime();
    if (written != expected) {
      throw new BenchException("the write made revision " + written + ", expected " + expected
          + " (does something else write to this server?)");
    }
    long slowest = devices.awaitDone(expected, ROUND_TIMEOUT);
    long serverCpu = ProcessCpu.nanos() - cpuAtArmed;
    long others = probe.woken() - wokenBefore - size;
    if (measured) {
      result.serverCpu(Duration.ofNanos(serverCpu));
      result.round(slowest, wrote - armed, armed - asked);
      result.extras().change(FocusedRounds.CHANGE_GLOBAL, size, slowest, others);
    }
    log(String.format("%s revision %d: all %d devices in %.1f ms (write %.1f ms); others woken %d",
        measured ? "round " : "warm-up", expected, size, slowest / 1e6, (wrote - armed) / 1e6, others));
    return written;
  }

  private void summary(DevicesProcess devices) {
    devices.send("summary");
    while (true) {
      String[] fields = devices.any("summary", Duration.ofSeconds(30));
      if (fields[0].equals("problem")) {
        result.problem(String.join(" ", List.of(fields).subList(2, fields.length)), Long.parseLong(fields[1]));
      } else if (fields[0].equals("summary")) {
        result.deliveries(Distribution.parse(fields, 1), Long.parseLong(fields[6])); // [5]: problems, counted above
        result.unexpected(Long.parseLong(fields[7]));
        result.devicesCpu(Duration.ofNanos(Long.parseLong(fields[8])));
        return;
      } // else the answer to a round cut short
    }
  }

  /** After a failure, the devices' own account of what went wrong, if they can still give it. */
  private void summaryAfter(RuntimeException failure, DevicesProcess devices) {
    try {
      summary(devices);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private void log(String line) {
    System.err.println("[" + size + " devices] " + line);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }
}
