package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a change is rolled out, stored as the entry {@code plain/fleetconf/rollout-policies/<name>}
 * (a namespace's own policy has the namespace's name): waves of named devices or groups first,
 * then percentages of the remaining devices, a bake time per wave, a failure threshold, and how
 * long a wave waits for its devices' reports (0: until promoted or aborted).
 *
 * <pre>{"waves": [{"devices": ["vv-01"]}, {"groups": ["site/lisbon"]}, {"percent": 50}, {"percent": 100}],
 *  "bakeSeconds": 300, "maxFailedPercent": 0, "waveTimeoutSeconds": 900}</pre>
 */
public record RolloutPolicy(String name, List<Step> waves, long bakeSeconds, int maxFailedPercent,
    long waveTimeoutSeconds) {
  /** Where policies live: one entry each. */
  public static final Key PREFIX = Key.parsePrefix("plain/fleetconf/rollout-policies");

  /** One wave as the policy says it: named devices and groups, or a cumulative percentage of the rest. */
  public record Step(List<DeviceId> devices, List<GroupName> groups, Optional<Integer> percent) {
    String describe() {
      if (percent.isPresent()) {
        return percent.get() + "%";
      }
      List<String> names = new ArrayList<>();
      devices.forEach(d -> names.add(d.toString()));
      groups.forEach(g -> names.add(g.toString()));
      return String.join(", ", names);
    }
  }

  public static Key keyOf(String name) {
    return Key.parse(PREFIX + "/" + name);
  }

  /** Reads the policy stored at {@code key}; refused naming the entry and the field when it is not one. */
  public static RolloutPolicy parse(String name, JsonNode json) {
    String where = "rollout policy " + keyOf(name);
    JsonNode waves = json.get("waves");
    if (!json.isObject() || waves == null || !waves.isArray() || waves.isEmpty()) {
      throw new InvalidInputException("invalid_rollout_policy", where + ": 'waves' must be a non-empty array");
    }
    List<Step> steps = new ArrayList<>();
    int last = 0;
    for (int i = 0; i < waves.size(); i++) {
      JsonNode wave = waves.get(i);
      if (wave.has("percent")) {
        int percent = wave.get("percent").asInt(-1);
        if (!wave.get("percent").isIntegralNumber() || percent <= last || percent > 100) {
          throw new InvalidInputException("invalid_rollout_policy", where + ": waves[" + i + "].percent must be an"
              + " integer above the previous wave's (" + last + ") and at most 100, was " + wave.get("percent"));
        }
        last = percent;
        steps.add(new Step(List.of(), List.of(), Optional.of(percent)));
      } else {
        steps.add(new Step(names(wave, "devices", where, i).stream().map(DeviceId::of).toList(),
            names(wave, "groups", where, i).stream().map(GroupName::of).toList(), Optional.empty()));
      }
    }
    long bake = json.path("bakeSeconds").asLong(0);
    int failed = json.path("maxFailedPercent").asInt(0);
    if (bake < 0 || failed < 0 || failed > 100) {
      throw new InvalidInputException("invalid_rollout_policy", where
          + ": bakeSeconds must be >= 0 and maxFailedPercent between 0 and 100");
    }
    JsonNode timeout = json.path("waveTimeoutSeconds");
    if (!timeout.isMissingNode() && (!timeout.isIntegralNumber() || timeout.asLong() < 0)) {
      throw new InvalidInputException("invalid_rollout_policy", where
          + ": waveTimeoutSeconds must be an integer >= 0 (0: no timeout), was " + timeout);
    }
    return new RolloutPolicy(name, steps, bake, failed, timeout.asLong(0));
  }

  private static List<String> names(JsonNode wave, String field, String where, int i) {
    List<String> out = new ArrayList<>();
    JsonNode list = wave.get(field);
    if (list != null) {
      if (!list.isArray()) {
        throw new InvalidInputException("invalid_rollout_policy", where + ": waves[" + i + "]." + field
            + " must be an array of names");
      }
      list.forEach(item -> out.add(item.asText()));
    }
    if (out.isEmpty() && !wave.has(field.equals("devices") ? "groups" : "devices")) {
      throw new InvalidInputException("invalid_rollout_policy", where + ": waves[" + i
          + "] needs devices, groups or percent");
    }
    return out;
  }

  /**
   * The waves of a rollout {@code id} of a change to {@code targets}: named devices and group
   * members first (each device in its first wave), then the rest ordered by a hash of device id
   * and rollout id (deterministic, and different per rollout), each percentage wave taking up to
   * its share, rounded up. What the last wave leaves is released when the rollout completes.
   * Empty waves are dropped.
   */
  List<Rollout.Wave> plan(String id, Set<DeviceId> targets, Map<DeviceId, Device> devices) {
    Set<DeviceId> left = new LinkedHashSet<>(targets.stream().sorted().toList());
    List<Rollout.Wave> out = new ArrayList<>();
    List<DeviceId> rest = null;
    int taken = 0;
    for (Step step : waves) {
      List<DeviceId> members = new ArrayList<>();
      if (step.percent().isEmpty()) {
        for (DeviceId device : List.copyOf(left)) {
          Device registered = devices.get(device);
          if (step.devices().contains(device)
              || registered != null && registered.groups().stream().anyMatch(step.groups()::contains)) {
            members.add(device);
            left.remove(device);
          }
        }
      } else {
        if (rest == null) {
          Map<DeviceId, String> order = new HashMap<>();
          left.forEach(device -> order.put(device, hash(device + "/" + id)));
          rest = left.stream().sorted(Comparator.comparing(order::get)).toList();
        }
        int upTo = (int) Math.ceil(rest.size() * step.percent().get() / 100.0);
        members.addAll(rest.subList(taken, upTo));
        taken = upTo;
      }
      if (!members.isEmpty()) {
        out.add(new Rollout.Wave(step.describe(), members, Optional.empty()));
      }
    }
    return out;
  }

  private static String hash(String text) {
    try {
      return java.util.HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
