package io.fleetconf.examples;

import io.fleetconf.client.Config;
import io.fleetconf.client.FleetconfClient;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the VV {@code tv_scheduler}: it decides which TV channel plays now from rules
 * held in fleetconf, and changes its decision the moment an operator changes the rules, with no
 * restart. Settings come from the environment: {@code FLEETCONF_ADDR}, {@code FLEETCONF_TOKEN},
 * {@code FLEETCONF_CA_FILE} (the CA of the server's certificate, e.g. data/ca/ca.crt), {@code DEVICE_ID} (default vv-lis-01), {@code CACHE_DIR} (default ./tv-scheduler-cache),
 * {@code BOOTSTRAP} (an optional config.yaml used before the server is reachable).
 */
public final class TvScheduler {

  /** One rule of the schedule: on these days, between start and end, play this channel. */
  public record Rule(String name, List<String> days, String start, String end, int channel) {
    boolean covers(ZonedDateTime now) {
      String day = now.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT);
      LocalTime time = now.toLocalTime();
      return (days == null || days.isEmpty() || days.contains(day))
          && !time.isBefore(LocalTime.parse(start)) && time.isBefore(LocalTime.parse(end));
    }
  }

  /** The whole {@code tv_scheduler} namespace. */
  public record Schedule(String timezone, int default_channel, int volume, List<Rule> rules) {
    String decide(ZonedDateTime now) {
      if (rules != null) {
        for (Rule rule : rules) {
          if (rule.covers(now)) {
            return "channel " + rule.channel() + " (rule " + rule.name() + ")";
          }
        }
      }
      return "channel " + default_channel + " (default)";
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String device = env("DEVICE_ID", "vv-lis-01");
    var builder = FleetconfClient.builder()
        .server(env("FLEETCONF_ADDR", "https://127.0.0.1:8585"))
        .token(env("FLEETCONF_TOKEN", ""))
        .deviceId(device)
        .namespaces("tv_scheduler", "common")
        .cacheDirectory(Path.of(env("CACHE_DIR", "tv-scheduler-cache")))
        .defaultValue("tv_scheduler/timezone", "UTC")
        .defaultValue("tv_scheduler/default_channel", 1)
        .defaultValue("tv_scheduler/volume", 30)
        .logLevelFrom("common/log_level")
        .reloadOnSighup();
    String caFile = System.getenv("FLEETCONF_CA_FILE");
    if (caFile != null && !caFile.isBlank()) {
      builder.caFile(Path.of(caFile));
    }
    String bootstrap = System.getenv("BOOTSTRAP");
    if (bootstrap != null && !bootstrap.isBlank()) {
      builder.file(Path.of(bootstrap), "tv_scheduler");
    }
    FleetconfClient client = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(client::close));

    report("started", client.config());
    client.listen("tv_scheduler", change -> report("rules changed", change.current()));
    new CountDownLatch(1).await(); // run until stopped; the listener does the work
  }

  private static void report(String why, Config config) {
    Schedule schedule = config.bind("tv_scheduler", Schedule.class);
    ZonedDateTime now = ZonedDateTime.now(ZoneId.of(schedule.timezone()));
    System.out.printf("%s at revision %d (%s%s): now playing %s at volume %d%n", why, config.revision().value(),
        config.source().name().toLowerCase(Locale.ROOT), config.isStale() ? ", stale" : "",
        schedule.decide(now), schedule.volume());
    System.out.flush();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private TvScheduler() {}
}
