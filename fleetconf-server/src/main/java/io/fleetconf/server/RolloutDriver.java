package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves running rollouts on, from the devices' reports: a wave whose devices all report the
 * rollout's namespaces {@code applied} (at a revision after the wave's release) bakes for the
 * rollout's bake time, then the next wave is released, and after the last the change is committed.
 * Any released device reporting {@code failed} or {@code rolled_back} for the new config (more
 * than the threshold's share of them) rolls the rollout back, with the reason. Every replica runs
 * one; each step is a compare-and-set on the rollout's entry, so one of them takes it.
 */
final class RolloutDriver implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RolloutDriver.class.getName());
  static final Duration EVERY = Duration.ofMillis(250);

  private final Replica replica;
  private final Rollouts rollouts;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean closed;

  RolloutDriver(Replica replica, Rollouts rollouts, Clock clock) {
    this.replica = replica;
    this.rollouts = rollouts;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("fleetconf-rollouts").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(EVERY);
        if (replica.ready() && !replica.snapshot().rollouts().active().isEmpty()) {
          tick();
        }
      } catch (InterruptedException e) {
        return;
      } catch (StoreException | InvalidInputException e) {
        LOG.log(System.Logger.Level.WARNING, "rollout step failed, will try again: " + e.getMessage());
      }
    }
  }

  /** One look at every running rollout. */
  void tick() {
    Map<DeviceId, Map<String, Report>> reports = new HashMap<>();
    replica.store().latestReports().forEach(report ->
        reports.computeIfAbsent(report.device(), id -> new HashMap<>()).put(report.namespace(), report));
    for (RolloutOverlay.Active active : replica.snapshot().rollouts().active()) {
      if (active.rollout().state() == Rollout.State.RUNNING) {
        try {
          step(new Rollouts.Current(active.rollout(), active.revision()), reports);
        } catch (ConflictException another) {
          // another replica (or an operator) took a step first: look again next time
        }
      }
    }
  }

  private void step(Rollouts.Current current, Map<DeviceId, Map<String, Report>> reports) {
    Rollout rollout = current.rollout();
    Instant now = clock.instant();
    List<String> failures = new ArrayList<>();
    int releasedDevices = 0;
    boolean waveApplied = true;
    for (int w = 0; w < rollout.released(); w++) {
      Rollout.Wave wave = rollout.waves().get(w);
      Revision after = wave.releasedAfter().orElse(Revision.ZERO);
      for (DeviceId device : wave.devices()) {
        releasedDevices++;
        Map<String, Report> own = reports.getOrDefault(device, Map.of());
        Outcome outcome = outcome(rollout, own, after);
        outcome.failure().ifPresent(why -> failures.add(device + " " + why + error(rollout, own)));
        if (w == rollout.released() - 1 && outcome != Outcome.APPLIED) {
          waveApplied = false;
        }
      }
    }
    if (!failures.isEmpty() && failures.size() * 100 > rollout.maxFailedPercent() * releasedDevices) {
      String reason = "wave " + rollout.released() + " (" + rollout.waves().get(rollout.released() - 1).name() + "): "
          + failures.size() + " of " + releasedDevices + " released device(s) failed (over the threshold of "
          + rollout.maxFailedPercent() + "%): " + String.join("; ", failures.subList(0, Math.min(5, failures.size())));
      rollouts.write(current, rollout.with(Rollout.State.ROLLED_BACK, Optional.of(reason)), Rollouts.SOURCE,
          "rollout " + rollout.id() + " rolled back: " + reason);
    } else if (rollout.bakingSince().isEmpty() && (waveApplied || rollout.released() == 0)) {
      rollouts.write(current, rollout.baking(now), Rollouts.SOURCE, "rollout " + rollout.id() + ": wave "
          + rollout.released() + " applied by all its devices; baking for " + rollout.bakeSeconds() + "s");
    } else if (rollout.bakingSince().isPresent()
        && !now.isBefore(rollout.bakingSince().get().plusSeconds(rollout.bakeSeconds()))) {
      if (rollout.allReleased()) {
        rollouts.complete(current, Rollouts.SOURCE, "every wave applied and baked");
      } else {
        Rollout next = rollout.releaseNext(now, replica.snapshot().revision());
        Rollout.Wave wave = next.waves().get(next.released() - 1);
        rollouts.write(current, next, Rollouts.SOURCE, "rollout " + rollout.id() + ": wave " + next.released() + " ("
            + wave.name() + ") released to " + wave.devices().size() + " device(s)");
      }
    }
  }

  /** The error a device's failed report gives, if it gives one. */
  private static String error(Rollout rollout, Map<String, Report> reports) {
    return rollout.namespaces().stream().map(reports::get).filter(r -> r != null && r.status() != Report.Status.APPLIED)
        .flatMap(r -> r.error().stream()).findFirst().map(e -> " (" + e + ")").orElse("");
  }

  /** What a released device says of the rollout's namespaces. */
  private enum Outcome {
    APPLIED, PENDING, FAILED, ROLLED_BACK;

    Optional<String> failure() {
      return this == FAILED || this == ROLLED_BACK ? Optional.of(name().toLowerCase(java.util.Locale.ROOT))
          : Optional.empty();
    }
  }

  /**
   * Failed when a report of one of the namespaces, made with the wave's config, says so; applied
   * when every namespace the device reports on says applied with it; else pending.
   */
  private static Outcome outcome(Rollout rollout, Map<String, Report> reports, Revision releasedAfter) {
    boolean any = false;
    boolean all = true;
    for (String namespace : rollout.namespaces()) {
      Report report = reports.get(namespace);
      if (report == null) {
        continue;
      }
      any = true;
      boolean current = report.revision().isAfter(releasedAfter);
      switch (report.status()) {
        case FAILED -> {
          if (current) {
            return Outcome.FAILED;
          }
          all = false;
        }
        case ROLLED_BACK -> {
          if (current) {
            return Outcome.ROLLED_BACK;
          }
          all = false;
        }
        case APPLIED -> all &= current;
      }
    }
    return any && all ? Outcome.APPLIED : Outcome.PENDING;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
