package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.format.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The example fleet of the README: five VV video-AI boxes on two sites, two device types. */
final class DemoFleet {
  private static final String TV_SCHEDULER = """
      timezone: Europe/Lisbon
      default_channel: 3
      volume: 40
      rules:
        - name: morning-news
          days: [mon, tue, wed, thu, fri]
          start: "07:00"
          end: "09:00"
          channel: 1
        - name: evening-football
          days: [sat, sun]
          start: "20:00"
          end: "22:30"
          channel: 7
      """;
  private static final String PORTO_RULES = """
      - name: morning-news
        days: [mon, tue, wed, thu, fri]
        start: "07:30"
        end: "09:30"
        channel: 2
      """;

  private DemoFleet() {}

  static void seed(Replica replica) {
    commit(replica, "register the demo devices", List.of(
        device("vv-lis-01", "device_type/jetson-nano", "site/lisbon"),
        device("vv-lis-02", "device_type/rpi4", "site/lisbon"),
        device("vv-lis-03", "device_type/jetson-nano", "site/lisbon"),
        device("vv-prt-01", "device_type/jetson-nano", "site/porto"),
        device("vv-prt-02", "device_type/rpi4", "site/porto")));
    commit(replica, "fleet-wide settings", List.of(
        put("defaults/common/log_level", "\"warning\""),
        put("global/common", "{\"log_level\": \"info\", \"dvr_ip\": \"10.0.0.10\", \"hmac_key_id\": \"k-2026-11\"}"),
        put("global/self_monitor", "{\"cpu_temp_max_c\": 80, \"disk_free_min_pct\": 10, \"check_interval_s\": 30}"),
        put("global/orchestrator", "{\"max_streams\": 4, \"inference_fps\": 10, \"model\": \"yolov8n\"}"),
        yaml("global/tv_scheduler", TV_SCHEDULER)));
    commit(replica, "per-site and per-type settings", List.of(
        put("groups/site/lisbon/common/dvr_ip", "\"10.10.1.20\""),
        put("groups/site/porto/common/dvr_ip", "\"10.20.1.20\""),
        put("groups/site/lisbon/tv_scheduler/default_channel", "5"),
        yaml("groups/site/porto/tv_scheduler/rules", PORTO_RULES),
        put("groups/device_type/rpi4/self_monitor/cpu_temp_max_c", "70"),
        put("groups/device_type/rpi4/orchestrator", "{\"max_streams\": 2, \"inference_fps\": 5}"),
        put("groups/device_type/jetson-nano/orchestrator/model", "\"yolov8n-fp16\"")));
    commit(replica, "debug logging on vv-lis-01", List.of(put("devices/vv-lis-01/common/log_level", "\"debug\"")));
  }

  private static void commit(Replica replica, String message, List<Mutation> mutations) {
    replica.commit(new Proposal("demo", message, "demo", new ArrayList<>(mutations)));
  }

  private static Mutation device(String id, String... groups) {
    List<GroupName> names = java.util.Arrays.stream(groups).map(GroupName::of).toList();
    return new Mutation.CreateDevice(new Device(DeviceId.of(id), names, Map.of("model", groups[0].split("/")[1])));
  }

  private static Mutation put(String key, String json) {
    return value(key, Format.JSON.parse(json));
  }

  private static Mutation yaml(String key, String yaml) {
    return value(key, Format.YAML.parse(yaml));
  }

  private static Mutation value(String key, JsonNode value) {
    return Mutation.Put.of(Key.parse(key), value);
  }
}
