package io.fleetconf.server;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Report;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves running rollouts on, from the devices' reports: a wave whose devices all report the
 * rollout's namespaces {@code applied} (at a revision after the wave's release) bakes for the
 * rollout's bake time, then the next wave is released, and after the last the change is committed.
 * Any released device reporting {@code failed} or {@code rolled_back} for the new config (more
 * than the threshold's share of them) rolls the rollout back, with the reason. When a wave's
 * deadline passes, its silent devices count like failures: within the threshold the wave bakes
 * without them, over it the rollout pauses. Every replica runs
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
    this.thread = Thread.ofPlatform().daemon().name("fleetconf-rollouts").start(this::run);
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
    Map<DeviceId, Map<String, Report>> reports = RolloutProgress.byDevice(replica.store().latestReports());
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
    RolloutProgress progress = RolloutProgress.of(rollout, reports, replica.snapshot().devices().keySet(), now);
    List<String> failures = new ArrayList<>();
    progress.waves().forEach(wave -> wave.devices().forEach((device, outcome) -> {
      if (outcome.failure()) {
        failures.add(device + " " + outcome.wire() + error(rollout, reports.getOrDefault(device, Map.of())));
      }
    }));
    int counted = progress.where(o -> o != RolloutProgress.Outcome.GONE).size();
    boolean baking = rollout.bakingSince().isPresent();
    if (over(rollout, failures.size(), counted)) {
      String reason = wave(rollout) + failures.size() + " of " + counted + " released device(s) failed (over the"
          + " threshold of " + rollout.maxFailedPercent() + "%): " + String.join("; ", failures.subList(0, Math.min(5, failures.size())));
      rollouts.write(current, rollout.with(Rollout.State.ROLLED_BACK, Optional.of(reason)), Rollouts.SOURCE,
          "rollout " + rollout.id() + " rolled back: " + reason);
    } else if (!baking && (rollout.released() == 0 || progress.current().settled())) {
      rollouts.write(current, rollout.baking(now), Rollouts.SOURCE, "rollout " + rollout.id() + ": wave "
          + rollout.released() + " applied by all its devices; baking for " + rollout.bakeSeconds() + "s");
    } else if (!baking && progress.current().deadline().map(d -> !now.isBefore(d)).orElse(false)) {
      timedOut(current, progress, failures, counted, now);
    } else if (baking && !now.isBefore(rollout.bakingSince().get().plusSeconds(rollout.bakeSeconds()))) {
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

  /**
   * The last wave's deadline passed with devices silent: they count as failures against the
   * threshold (with the silent ones of earlier waves). Within it the wave bakes without them;
   * over it the rollout pauses, naming them (silence is not evidence against the change: an
   * operator decides, docs/safe-changes.md).
   */
  private void timedOut(Rollouts.Current current, RolloutProgress progress, List<String> failures, int counted,
      Instant now) {
    Rollout rollout = current.rollout();
    List<String> silent = progress.where(o -> o == RolloutProgress.Outcome.SILENT).stream().map(DeviceId::toString)
        .toList();
    String what = (failures.size() + silent.size()) + " of " + counted + " released device(s) silent or failed at the"
        + " wave's deadline (" + rollout.waveTimeoutSeconds() + "s)";
    if (over(rollout, failures.size() + silent.size(), counted)) {
      String reason = wave(rollout) + what + ", over the threshold of " + rollout.maxFailedPercent() + "%: silent "
          + first(silent) + (failures.isEmpty() ? "" : "; failed " + String.join("; ", failures));
      rollouts.write(current, rollout.with(Rollout.State.PAUSED, Optional.of(reason)), Rollouts.SOURCE,
          "rollout " + rollout.id() + " paused: " + reason);
    } else {
      List<DeviceId> left = progress.current().where(o -> o == RolloutProgress.Outcome.SILENT);
      rollouts.write(current, rollout.bakingWithout(now, left), Rollouts.SOURCE, "rollout " + rollout.id() + ": wave "
          + rollout.released() + " goes on without its silent device(s) " + first(left.stream().map(DeviceId::toString)
          .toList()) + " (" + what + ", within the threshold of " + rollout.maxFailedPercent() + "%); baking for "
          + rollout.bakeSeconds() + "s");
    }
  }

  private static boolean over(Rollout rollout, int bad, int counted) {
    return bad > 0 && bad * 100L > (long) rollout.maxFailedPercent() * counted;
  }

  private static String wave(Rollout rollout) {
    return "wave " + rollout.released() + " (" + rollout.waves().get(rollout.released() - 1).name() + "): ";
  }

  /** The first few of a list, for a message. */
  private static String first(List<String> items) {
    return String.join(", ", items.subList(0, Math.min(10, items.size())))
        + (items.size() > 10 ? " and " + (items.size() - 10) + " more" : "");
  }

  /** The error a device's failed report gives, if it gives one. */
  private static String error(Rollout rollout, Map<String, Report> reports) {
    return rollout.namespaces().stream().map(reports::get).filter(r -> r != null && r.status() != Report.Status.APPLIED)
        .flatMap(r -> r.error().stream()).findFirst().map(e -> " (" + e + ")").orElse("");
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
