package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a rollout's released devices are, wave by wave, from their latest reports: what
 * {@link RolloutDriver} steps on and what {@code GET /api/v1/rollouts/<id>} shows, so the two agree.
 */
public record RolloutProgress(Rollout rollout, List<WaveProgress> waves) {

  /** What one released device says of the rollout's namespaces. */
  public enum Outcome {
    /** Every namespace it reports on says applied, at a revision after its wave's release. */
    APPLIED,
    /** Not (yet) applied, and its wave's deadline has not passed (or there is none). */
    PENDING,
    /** Not applied when its wave's deadline passed. */
    SILENT,
    FAILED,
    ROLLED_BACK,
    /** Removed from the fleet while the rollout ran: it holds no wave and counts for nothing. */
    GONE;

    boolean failure() {
      return this == FAILED || this == ROLLED_BACK;
    }

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One wave's devices (none before its release) with their outcomes, and its deadline. */
  public record WaveProgress(Map<DeviceId, Outcome> devices, Optional<Instant> deadline) {
    public List<DeviceId> where(Predicate<Outcome> test) {
      return devices.entrySet().stream().filter(e -> test.test(e.getValue())).map(Map.Entry::getKey).toList();
    }

    /** Every device applied it or is gone: the wave may bake. */
    boolean settled() {
      return devices.values().stream().allMatch(o -> o == Outcome.APPLIED || o == Outcome.GONE);
    }
  }

  /** The progress at {@code now} given each device's latest report per namespace and the registered devices. */
  static RolloutProgress of(Rollout rollout, Map<DeviceId, Map<String, Report>> reports, Set<DeviceId> registered,
      Instant now) {
    List<WaveProgress> out = new ArrayList<>();
    for (int w = 0; w < rollout.waves().size(); w++) {
      Rollout.Wave wave = rollout.waves().get(w);
      Map<DeviceId, Outcome> devices = new LinkedHashMap<>();
      Optional<Instant> deadline = Optional.empty();
      if (w < rollout.released()) {
        deadline = rollout.deadline(wave);
        boolean late = deadline.map(d -> !now.isBefore(d)).orElse(false);
        Revision after = wave.releasedAfter().orElse(Revision.ZERO);
        for (DeviceId device : wave.devices()) {
          Outcome outcome = !registered.contains(device) ? Outcome.GONE
              : outcome(rollout, reports.getOrDefault(device, Map.of()), after);
          devices.put(device, outcome == Outcome.PENDING && late ? Outcome.SILENT : outcome);
        }
      }
      out.add(new WaveProgress(devices, deadline));
    }
    return new RolloutProgress(rollout, out);
  }

  /** Each device's latest report per namespace. */
  static Map<DeviceId, Map<String, Report>> byDevice(List<Report> reports) {
    Map<DeviceId, Map<String, Report>> out = new java.util.HashMap<>();
    reports.forEach(report -> out.computeIfAbsent(report.device(), id -> new java.util.HashMap<>())
        .put(report.namespace(), report));
    return out;
  }

  /** The last released wave's progress; call only when one is released. */
  WaveProgress current() {
    return waves.get(rollout.released() - 1);
  }

  /** The released devices (of every released wave) with an outcome that passes {@code test}. */
  public List<DeviceId> where(Predicate<Outcome> test) {
    List<DeviceId> out = new ArrayList<>();
    waves.forEach(wave -> out.addAll(wave.where(test)));
    return out;
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

  /** The rollout as the API shows it: its stored state, and each wave's counts and deadline. */
  public JsonNode toJson() {
    ObjectNode out = (ObjectNode) rollout.toJson();
    ArrayNode list = (ArrayNode) out.get("waves");
    for (int w = 0; w < waves.size(); w++) {
      WaveProgress wave = waves.get(w);
      ObjectNode item = (ObjectNode) list.get(w);
      wave.deadline().ifPresent(d -> item.put("deadline", d.toString()));
      ObjectNode counts = item.putObject("progress");
      counts.put("released", wave.where(o -> o != Outcome.GONE).size());
      counts.put("applied", wave.where(o -> o == Outcome.APPLIED).size());
      counts.put("failed", wave.where(Outcome::failure).size());
      counts.put("silent", wave.where(o -> o == Outcome.SILENT).size());
      counts.put("pending", wave.where(o -> o == Outcome.PENDING).size());
      counts.put("gone", wave.where(o -> o == Outcome.GONE).size());
      if (!wave.devices().isEmpty()) {
        ObjectNode devices = item.putObject("outcomes");
        wave.devices().forEach((device, outcome) -> devices.put(device.toString(), outcome.wire()));
      }
    }
    return out;
  }
}
