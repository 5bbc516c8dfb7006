package io.fleetconf.server;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.jmh.ConfigFixture;
import io.fleetconf.server.LiveState.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A fleet of 10,000 devices over 20 groups: 10 sites and 10 device types, each device in one of
 * each ({@code [device_type/<t>, site/<s>]}, 100 devices per combination, 1,000 per group).
 *
 * <p>Entries: {@link ConfigFixture}'s defaults and global; its group layer (30 entries) under each
 * site; three entries under each device type; its device layer (20 entries) under every 100th
 * device. The live state is built by {@link LiveState} itself, then three change sets are applied:
 * one entry each under global, {@code site/porto} and device {@code vv-04711}.
 */
@State(Scope.Benchmark)
public class FleetFixture {
  static final int DEVICES = 10_000;
  static final List<String> SITES = List.of(
      "lisbon", "porto", "braga", "coimbra", "faro", "aveiro", "evora", "leiria", "setubal", "viseu");
  static final List<String> TYPES = List.of(
      "jetson-nano", "jetson-orin", "rpi4", "rpi5", "nuc-i5", "nuc-i7", "x86-gpu", "coral-dev", "rock5b", "odroid-n2");

  Snapshot snapshot;
  ChangeSet globalChange;
  ChangeSet groupChange;
  ChangeSet deviceChange;
  Affected globalAffected;
  Affected groupAffected;
  Affected deviceAffected;

  @Setup
  public void setUp() {
    List<Device> devices = new ArrayList<>(DEVICES);
    List<Entry> entries = new ArrayList<>();
    entries.addAll(ConfigFixture.defaults());
    entries.addAll(ConfigFixture.global());
    SITES.forEach(site -> entries.addAll(ConfigFixture.group(GroupName.of("site/" + site))));
    for (String type : TYPES) {
      String scope = "groups/device_type/" + type + "/";
      entries.add(entry(scope + "orchestrator/max_streams", IntNode.valueOf(type.length() % 4 + 1), 400));
      entries.add(entry(scope + "orchestrator/inference_fps", IntNode.valueOf(type.length() + 2), 401));
      entries.add(entry(scope + "self_monitor/cpu_temp_max_c", IntNode.valueOf(70 + type.length()), 402));
    }
    for (int i = 0; i < DEVICES; i++) {
      DeviceId id = DeviceId.of(String.format("vv-%05d", i));
      String type = TYPES.get((i / SITES.size()) % TYPES.size());
      List<GroupName> groups = List.of(
          GroupName.of("device_type/" + type), GroupName.of("site/" + SITES.get(i % SITES.size())));
      devices.add(new Device(id, groups, Map.of("model", type)));
      if (i % 100 == 0) {
        entries.addAll(ConfigFixture.device(id));
      }
    }
    LiveState live = new LiveState(Revision.of(1000), entries, devices);
    globalChange = put(1001, entry("global/tv_scheduler/volume", IntNode.valueOf(35), 1001));
    groupChange = put(1002, entry("groups/site/porto/tv_scheduler/default_channel", IntNode.valueOf(4), 1002));
    deviceChange = put(1003, entry("devices/vv-04711/common/log_level", TextNode.valueOf("debug"), 1003));
    live.apply(globalChange);
    live.apply(groupChange);
    live.apply(deviceChange);
    snapshot = live.snapshot();
    globalAffected = Affected.by(globalChange, snapshot);
    groupAffected = Affected.by(groupChange, snapshot);
    deviceAffected = Affected.by(deviceChange, snapshot);
    check(globalAffected, DEVICES);
    check(groupAffected, DEVICES / SITES.size());
    check(deviceAffected, 1);
  }

  private static void check(Affected affected, int expected) {
    if (affected.devices().size() != expected) {
      throw new IllegalStateException("expected " + expected + " affected devices, got " + affected.devices().size());
    }
  }

  private static Entry entry(String key, com.fasterxml.jackson.databind.JsonNode value, long revision) {
    return new Entry(Key.parse(key), value, Revision.of(revision), Revision.of(revision), 1);
  }

  private static ChangeSet put(long revision, Entry after) {
    return new ChangeSet(Revision.of(revision), "jmh", Instant.EPOCH, "benchmark", "jmh",
        List.of(new Change.EntryChange(after.key(), Optional.empty(), Optional.of(after))));
  }
}
