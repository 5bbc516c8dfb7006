package io.fleetconf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The fan-out run's rounds after the global ones, with the same devices process: the writer with
 * every device watching, a value on one site group, and an override for one device. For changes
 * that concern some devices only, the server's woken counter ({@link ServerProbe#woken()}) tells
 * how many other held watches it answered: it should be none.
 *
 * <p>Also the writer with no watcher at all ({@link #alone}), run before the devices process
 * starts and again after it quit.
 */
final class FocusedRounds {
  /** The key every device's effective config has (the global rounds change it too). */
  static final String GLOBAL_KEY = "/api/v1/entries/global/common/log_level";
  /** A key in the plain scope: in no device's effective config. */
  static final String PLAIN_KEY = "/api/v1/entries/plain/bench/x";
  static final String GROUP = "site/s01";
  static final String WRITE_GLOBAL = "global key (every device watches it)";
  static final String WRITE_PLAIN = "plain/bench/x (no device watches it)";
  static final String WRITE_PLAIN_AFTER = "plain/bench/x right after a global write";
  static final String CHANGE_GLOBAL = "global (every device)";
  static final String CHANGE_WRITER = "writer rounds: plain, global, plain";
  static final String CHANGE_GROUP = "group " + GROUP + " (its members)";
  static final String CHANGE_TARGETED = "one device's override";
  private static final Duration ARMED_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration HELD_TIMEOUT = Duration.ofMinutes(1);

  private final AdminClient admin;
  private final ServerProbe probe;
  private final DevicesProcess devices;
  private final int size;
  private final BenchSettings settings;
  private final Extras.Builder extras;
  private final Consumer<String> log;
  private long revision;

  FocusedRounds(AdminClient admin, ServerProbe probe, DevicesProcess devices, int size, BenchSettings settings,
      Extras.Builder extras, Consumer<String> log) {
    this.admin = admin;
    this.probe = probe;
    this.devices = devices;
    this.size = size;
    this.settings = settings;
    this.extras = extras;
    this.log = log;
  }

  /**
   * With no watch held: per round, a PUT of the plain key, then of the global key, then at once of
   * the plain key again; each after the settle pause but the last.
   */
  static void alone(AdminClient admin, BenchSettings settings, Extras.Builder extras, Extras.Phase phase,
      Consumer<String> log) {
    List<Long> global = new ArrayList<>();
    List<Long> plain = new ArrayList<>();
    for (int round = 0; round < settings.warmups() + settings.rounds(); round++) {
      boolean measured = round >= settings.warmups();
      String value = phase.name().toLowerCase(java.util.Locale.ROOT) + round;
      sleep(settings.settle());
      long plainTook = timed(() -> admin.put(PLAIN_KEY, "\"" + value + "\""));
      sleep(settings.settle());
      long globalTook = timed(() -> admin.put(GLOBAL_KEY, "\"" + value + "\""));
      long afterTook = timed(() -> admin.put(PLAIN_KEY, "\"" + value + "-after\""));
      if (measured) {
        extras.write(WRITE_PLAIN, phase, plainTook);
        extras.write(WRITE_GLOBAL, phase, globalTook);
        extras.write(WRITE_PLAIN_AFTER, phase, afterTook);
        global.add(globalTook);
        plain.add(plainTook);
      }
    }
    log.accept(String.format("no watcher (%s): PUT global p50 %.1f ms, plain p50 %.1f ms",
        phase == Extras.Phase.BEFORE ? "before the devices" : "after the devices", p50(global) / 1e6, p50(plain) / 1e6));
  }

  /**
   * Per round, with every watch held: a PUT of the plain key; after the settle pause, all devices
   * expecting it, a PUT of the global key and at once another of the plain key, during the global
   * fan-out. The
   * woken count is taken over the whole round, once every watch is held again and the settle pause
   * has passed, so that the hub has handled the last plain write too.
   */
  void writer() {
    revision = admin.revision();
    awaitHeld();
    long before = probe.woken();
    for (int round = 0; round < settings.warmups() + settings.rounds(); round++) {
      boolean measured = round >= settings.warmups();
      String value = "w" + round;
      long plainTook = timed(() -> write(PLAIN_KEY, "\"" + value + "\""));
      sleep(settings.settle()); // as in alone(): each of the first two writes after a pause
      long[] afterTook = new long[1];
      long[] got = expectAndWrite("expect " + (revision + 1) + " " + value + tag(measured), () -> {
        long globalTook = timed(() -> write(GLOBAL_KEY, "\"" + value + "\""));
        afterTook[0] = timed(() -> write(PLAIN_KEY, "\"" + value + "-after\""));
        return globalTook;
      });
      awaitHeld();
      long after = probe.woken();
      long others = after - before - size;
      before = after;
      if (measured) {
        extras.write(WRITE_PLAIN, Extras.Phase.HELD, plainTook);
        extras.write(WRITE_GLOBAL, Extras.Phase.HELD, got[1]);
        extras.write(WRITE_PLAIN_AFTER, Extras.Phase.HELD, afterTook[0]);
        extras.change(CHANGE_WRITER, size, got[0], others);
      }
      log.accept(String.format("%s writer: PUT plain %.1f ms, global %.1f ms, plain after %.1f ms;"
          + " all %d devices in %.1f ms; others woken %d", measured ? "round  " : "warm-up", plainTook / 1e6,
          got[1] / 1e6, afterTook[0] / 1e6, size, got[0] / 1e6, others));
    }
  }

  /** Per round, a new value on one site group: every member must get it, and only they may be woken. */
  void group() {
    revision = admin.revision();
    List<Integer> members = new ArrayList<>();
    for (int device = 0; device < size; device++) {
      if (device % Scenario.SITES == 0) { // site/s01, as Scenario registers them
        members.add(device);
      }
    }
    for (int round = 0; round < settings.warmups() + settings.rounds(); round++) {
      String value = "10.1." + round + ".1";
      concerned(CHANGE_GROUP, members, "/api/v1/entries/groups/" + GROUP + "/common/dvr_ip", "common/dvr_ip",
          value, round >= settings.warmups());
    }
  }

  /**
   * Per round, an override of {@code common/log_level} for one device, a different one each round.
   * The overrides stay: a later global change of that key would not reach these devices, so this
   * runs last.
   */
  void targeted() {
    revision = admin.revision();
    for (int round = 0; round < settings.warmups() + settings.rounds(); round++) {
      int device = (int) ((round * 7919L + 13) % size);
      String value = "t" + round;
      concerned(CHANGE_TARGETED, List.of(device), "/api/v1/entries/devices/" + Main.deviceId(device)
          + "/common/log_level", "common/log_level", value, round >= settings.warmups());
    }
  }

  /** One write that concerns {@code members} only; the woken count is read once they all have it. */
  private void concerned(String kind, List<Integer> members, String key, String path, String value,
      boolean measured) {
    awaitHeld();
    long before = probe.woken();
    String list = members.stream().map(String::valueOf).collect(Collectors.joining(","));
    long[] got = expectAndWrite("expect-some " + (revision + 1) + " " + path + " " + value + " " + list
        + tag(measured), () -> timed(() -> write(key, "\"" + value + "\"")));
    long others = probe.woken() - before - members.size();
    if (measured) {
      extras.change(kind, members.size(), got[0], others);
    }
    log.accept(String.format("%s %s, revision %d: %d device(s) in %.1f ms (write %.1f ms); others woken %d",
        measured ? "round  " : "warm-up", kind, revision, members.size(), got[0] / 1e6, got[1] / 1e6, others));
  }

  /**
   * Arms the devices with {@code command}, runs the writes (the first must make the expected
   * revision), and waits for {@code done}: returns the slowest delivery and what {@code writes} returned.
   */
  private long[] expectAndWrite(String command, java.util.function.LongSupplier writes) {
    long expected = revision + 1;
    devices.send(command);
    devices.await("armed", ARMED_TIMEOUT);
    long result = writes.getAsLong();
    return new long[] {devices.awaitDone(expected, ROUND_TIMEOUT), result};
  }

  /** A PUT that must make the next revision: nothing else writes to this server. */
  private void write(String key, String json) {
    long written = admin.put(key, json);
    if (written != revision + 1) {
      throw new BenchException("the write of " + key + " made revision " + written + ", expected " + (revision + 1)
          + " (does something else write to this server?)");
    }
    revision = written;
  }

  private void awaitHeld() {
    probe.awaitHeld(size, HELD_TIMEOUT);
    sleep(settings.settle());
  }

  private static String tag(boolean measured) {
    return measured ? " measured" : " warmup";
  }

  private static long timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return System.nanoTime() - start;
  }

  private static long p50(List<Long> values) {
    return Distribution.of(values.stream().mapToLong(Long::longValue).toArray()).p50();
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
