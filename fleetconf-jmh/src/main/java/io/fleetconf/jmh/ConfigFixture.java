package io.fleetconf.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Revision;
import io.fleetconf.core.Scope;
import io.fleetconf.format.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One device's configuration as the benchmarks resolve it: 200 entries over four layers, in the
 * namespaces of the VV boxes (common, tv_scheduler, orchestrator, self_monitor, tv_api).
 *
 * <ul>
 *   <li>{@code defaults}, 90 entries: 18 scalar settings per namespace, as shipped in a service's
 *       {@code .env.example}, some at depth 2 ({@code tv_api/http/port}).
 *   <li>{@code global}, 60 entries: five objects mounted whole ({@code common},
 *       {@code tv_scheduler} with its rules array, {@code self_monitor}, {@code orchestrator/streams},
 *       {@code tv_api/auth}), 15 scalars overriding defaults and 40 new ones.
 *   <li>one group ({@code site/lisbon}), 30 entries: 10 overrides at deeper paths inside the objects
 *       global mounted (a camera's fps, a threshold, the rules array), and 20 scalars.
 *   <li>the device, 20 entries: 10 overrides (one of them an object, one a {@code null} tombstone
 *       deleting a camera) and 10 scalars.
 * </ul>
 */
public final class ConfigFixture {
  public static final int ENTRIES = 200;
  public static final GroupName SITE = GroupName.of("site/lisbon");
  public static final DeviceId DEVICE = DeviceId.of("vv-lis-01");
  static final List<String> NAMESPACES = List.of("common", "tv_scheduler", "orchestrator", "self_monitor", "tv_api");

  private static final String TV_SCHEDULER = """
      {"timezone": "Europe/Lisbon", "default_channel": 3, "volume": 40,
       "rules": [
         {"name": "morning-news", "days": ["mon", "tue", "wed", "thu", "fri"],
          "start": "07:00", "end": "09:00", "channel": 1},
         {"name": "evening-football", "days": ["sat", "sun"], "start": "20:00", "end": "22:30", "channel": 7}]}
      """;
  private static final String SITE_RULES = """
      [{"name": "morning-news", "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "07:30", "end": "09:30", "channel": 2},
       {"name": "telejornal", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start": "20:00", "end": "21:00", "channel": 1}]
      """;

  private ConfigFixture() {}

  /** The device resolved: in one group. */
  public static Device device() {
    return new Device(DEVICE, List.of(SITE), Map.of("model", "jetson-nano"));
  }

  /** The four layers' entries, lowest precedence first: defaults, global, the group, the device. */
  public static List<List<Entry>> layers() {
    List<List<Entry>> layers = List.of(defaults(), global(), group(SITE), device(DEVICE));
    int total = layers.stream().mapToInt(List::size).sum();
    if (total != ENTRIES) {
      throw new IllegalStateException("the fixture has " + total + " entries, not " + ENTRIES);
    }
    return layers;
  }

  public static List<Entry> defaults() {
    Entries out = new Entries(Scope.DEFAULTS, 1);
    for (int i = 0; i < NAMESPACES.size(); i++) {
      String ns = NAMESPACES.get(i);
      out.put(ns + "/log_level", "\"warning\"");
      out.put(ns + "/log_format", "\"text\"");
      out.put(ns + "/tz", "\"UTC\"");
      out.put(ns + "/http/port", Integer.toString(8080 + i));
      out.put(ns + "/http/bind", "\"0.0.0.0\"");
      out.put(ns + "/http/timeout_ms", "5000");
      out.put(ns + "/http/max_body_kb", "512");
      out.put(ns + "/metrics/enabled", "true");
      out.put(ns + "/metrics/interval_s", "15");
      out.put(ns + "/metrics/endpoint", "\"http://127.0.0.1:9100/metrics\"");
      out.put(ns + "/retry/max_attempts", "5");
      out.put(ns + "/retry/backoff_ms", "250");
      out.put(ns + "/retry/jitter", "0.2");
      out.put(ns + "/cache/dir", "\"/var/cache/vv/" + ns + "\"");
      out.put(ns + "/cache/max_mb", "256");
      out.put(ns + "/health/interval_s", "30");
      out.put(ns + "/health/grace_s", "90");
      out.put(ns + "/feature_flags/beta", "false");
    }
    return out.list;
  }

  public static List<Entry> global() {
    Entries out = new Entries(Scope.GLOBAL, 100);
    out.put("common", """
        {"log_level": "info", "dvr_ip": "10.0.0.10", "hmac_key_id": "k-2026-11",
         "ntp_servers": ["0.pool.ntp.org", "1.pool.ntp.org"],
         "support": {"email": "ops@example.org", "phone": "+351 210 000 000"}}""");
    out.put("tv_scheduler", TV_SCHEDULER);
    out.put("self_monitor", """
        {"cpu_temp_max_c": 80, "disk_free_min_pct": 10, "check_interval_s": 30,
         "alerts": {"webhook": "https://ops.example.org/hooks/vv", "quiet_hours": ["23:00", "07:00"]},
         "thresholds": {"mem_used_max_pct": 90, "load1_max": 4.0, "gpu_temp_max_c": 85}}""");
    StringBuilder streams = new StringBuilder("{");
    for (int cam = 1; cam <= 4; cam++) {
      streams.append(cam == 1 ? "" : ", ").append("\"cam").append(cam).append("\": {\"url\": \"rtsp://10.0.1.1")
          .append(cam).append("/stream1\", \"fps\": 10, \"enabled\": true}");
    }
    out.put("orchestrator/streams", streams.append('}').toString());
    out.put("tv_api/auth", "{\"mode\": \"hmac\", \"key_id\": \"k-2026-11\", \"clock_skew_s\": 30}");
    for (String ns : NAMESPACES) {
      out.put(ns + "/log_level", "\"info\"");
      out.put(ns + "/http/timeout_ms", "3000");
      out.put(ns + "/metrics/interval_s", "10");
      out.put(ns + "/release/channel", "\"stable\"");
      out.put(ns + "/release/version", "\"2026.11.3\"");
      out.put(ns + "/upload/bucket", "\"vv-" + ns.replace('_', '-') + "\"");
      out.put(ns + "/upload/region", "\"eu-south-2\"");
      out.put(ns + "/upload/max_parallel", "4");
      out.put(ns + "/ui/locale", "\"en-GB\"");
      out.put(ns + "/ui/banner", "\"Bem-vindo ao VV – Lisboa\"");
      out.put(ns + "/maintenance/window", "\"02:00-04:00\"");
    }
    return out.list;
  }

  /** The group's layer; any group gets the same values under its own scope. */
  public static List<Entry> group(GroupName group) {
    Entries out = new Entries(new Scope.Group(group), 200);
    out.put("common/dvr_ip", "\"10.10.1.20\"");
    out.put("tv_scheduler/default_channel", "5");
    out.put("tv_scheduler/timezone", "\"Europe/Lisbon\"");
    out.put("tv_scheduler/rules", SITE_RULES);
    out.put("orchestrator/streams/cam2/fps", "5");
    out.put("orchestrator/streams/cam3/enabled", "false");
    out.put("orchestrator/streams/cam5", "{\"url\": \"rtsp://10.10.1.15/stream1\", \"fps\": 8, \"enabled\": true}");
    out.put("self_monitor/thresholds/gpu_temp_max_c", "80");
    out.put("self_monitor/alerts/webhook", "\"https://ops.example.org/hooks/lisbon\"");
    out.put("tv_api/auth/clock_skew_s", "60");
    for (String ns : NAMESPACES) {
      out.put(ns + "/upload/region", "\"pt-lisbon-1\"");
      out.put(ns + "/ui/locale", "\"pt-PT\"");
      out.put(ns + "/maintenance/window", "\"03:00-05:00\"");
      out.put(ns + "/site/name", "\"Lisboa\"");
    }
    return out.list;
  }

  /** The device's own layer; any device gets the same values under its own scope. */
  public static List<Entry> device(DeviceId id) {
    Entries out = new Entries(new Scope.Device(id), 300);
    out.put("common/log_level", "\"debug\"");
    out.put("common/support/phone", "\"+351 210 000 001\"");
    out.put("orchestrator/streams/cam1/fps", "15");
    out.put("orchestrator/streams/cam4", "null");
    out.put("orchestrator/model", "\"yolov8n-fp16\"");
    out.put("self_monitor/cpu_temp_max_c", "75");
    out.put("self_monitor/alerts/quiet_hours", "[\"22:00\", \"08:00\"]");
    out.put("tv_scheduler/volume", "25");
    out.put("tv_api/http/port", "8081");
    out.put("tv_api/debug", "{\"trace\": true, \"sample_rate\": 0.1}");
    for (String ns : NAMESPACES) {
      out.put(ns + "/device/serial", "\"" + id.value().toUpperCase(java.util.Locale.ROOT) + "-" + ns + "\"");
      out.put(ns + "/device/room", "\"sala-2\"");
    }
    return out.list;
  }

  /** Entries of one scope, at increasing revisions. */
  private static final class Entries {
    final Scope scope;
    final List<Entry> list = new ArrayList<>();
    long revision;

    Entries(Scope scope, long firstRevision) {
      this.scope = scope;
      this.revision = firstRevision;
    }

    void put(String path, String json) {
      JsonNode value = json.equals("null") ? NullNode.getInstance() : Format.JSON.parse(json);
      Revision at = Revision.of(revision++);
      list.add(new Entry(new Key(scope, KeyPath.parse(path)), value, at, at, 1));
    }
  }
}
