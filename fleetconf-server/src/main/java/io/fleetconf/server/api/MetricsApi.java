package io.fleetconf.server.api;

import io.fleetconf.core.Report;
import io.fleetconf.server.FleetStatus;
import io.fleetconf.server.FleetStatus.DeviceStatus;
import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /metrics} in Prometheus' text format (a token that may read devices), and the open
 * probes {@code /livez} (the process answers) and {@code /readyz} (it can answer as current: 503
 * while a replica has lost its database). docs/operations.md lists every metric.
 */
final class MetricsApi implements Router.Observer {
  private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      30, 60, 300};
  /** Unseen this long is stale, as in {@code fleet status}'s default. */
  private static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private final Replica replica;
  private final FleetStatus status;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests = Counter.builder().name("fleetconf_http_requests_total")
      .help("HTTP requests answered, by method, route (its registered path) and status")
      .labelNames("method", "route", "status").register(registry);
  private final Histogram latency = Histogram.builder().name("fleetconf_http_request_duration_seconds")
      .help("Time from a request's arrival to its answer (a held watch: to its wake-up or timeout)")
      .labelNames("method", "route").classicOnly().classicUpperBounds(SECONDS).register(registry);
  private final Counter authenticationFailures = Counter.builder().name("fleetconf_authentication_failures_total")
      .help("Requests refused for missing, unknown, revoked or expired credentials").register(registry);
  private final Counter rateLimited = Counter.builder().name("fleetconf_rate_limited_total")
      .help("Requests refused with 429 (over a rate, or over the watches an identity may hold)").register(registry);
  private final Counter committed = Counter.builder().name("fleetconf_change_sets_committed_total")
      .help("Change sets this server committed (not those it followed from other replicas)").register(registry);
  private final Histogram commits = Histogram.builder().name("fleetconf_commit_duration_seconds")
      .help("Time to commit a change set through this server, from asking to recorded durably")
      .classicOnly().classicUpperBounds(SECONDS).register(registry);
  private final Histogram fanOut = Histogram.builder().name("fleetconf_fanout_duration_seconds")
      .help("Time from a change set's commit to the last held watch it wakes on this server")
      .classicOnly().classicUpperBounds(SECONDS).register(registry);

  MetricsApi(Replica replica, FleetStatus status) {
    this.replica = replica;
    this.status = status;
    replica.onCommit(nanos -> {
      committed.inc();
      commits.observe(seconds(nanos));
    });
    replica.watches().onFanOut(nanos -> fanOut.observe(seconds(nanos)));
    GaugeWithCallback.builder().name("fleetconf_watches_held").help("Watches (long polls and streams) held now")
        .callback(callback -> callback.call(replica.watches().held())).register(registry);
    GaugeWithCallback.builder().name("fleetconf_revision")
        .help("The revision this server's live state is at; replicas' lag is max(fleetconf_revision) - fleetconf_revision")
        .callback(callback -> callback.call(replica.snapshot().revision().value())).register(registry);
    GaugeWithCallback.builder().name("fleetconf_store_available")
        .help("1 when this server is in touch with its store and answers as current, else 0")
        .callback(callback -> callback.call(replica.ready() ? 1 : 0)).register(registry);
    CounterWithCallback.builder().name("fleetconf_store_losses_total")
        .help("Times this server lost its database (and stopped answering as current until it was back)")
        .callback(callback -> callback.call(replica.databaseLosses())).register(registry);
    registerFleet();
  }

  void register(Router router) {
    router.observe(this);
    router.on("GET", "/metrics", this::metrics);
    router.open("GET", "/livez", request -> Response.text("text/plain; charset=utf-8", "ok\n"));
    router.open("GET", "/readyz", request -> {
      if (!replica.ready()) {
        throw Router.unavailable();
      }
      return Response.text("text/plain; charset=utf-8", "ready\n");
    });
  }

  /** Devices by worst reported status, and those that drift, are stale or break a schema. */
  private void registerFleet() {
    FleetView view = new FleetView();
    GaugeWithCallback.builder().name("fleetconf_devices")
        .help("Registered devices by their worst reported status (unreported: none yet)").labelNames("status")
        .callback(callback -> {
          List<DeviceStatus> devices = view.devices();
          for (String name : List.of("applied", "failed", "rolled_back", "unreported")) {
            callback.call(count(devices, d -> d.status().map(Report.Status::wire).orElse("unreported").equals(name)),
                name);
          }
        }).register(registry);
    GaugeWithCallback.builder().name("fleetconf_devices_flagged")
        .help("Registered devices that drift (do not run their desired revision), are stale (unseen 10 min) or are"
            + " invalid (break a schema)").labelNames("flag")
        .callback(callback -> {
          List<DeviceStatus> devices = view.devices();
          callback.call(count(devices, DeviceStatus::drift), "drift");
          callback.call(count(devices, DeviceStatus::stale), "stale");
          callback.call(count(devices, DeviceStatus::invalid), "invalid");
        }).register(registry);
  }

  /** The fleet view both fleet gauges read: made at most once a second, so once per scrape. */
  private final class FleetView {
    private boolean made;
    private long madeAt;
    private List<DeviceStatus> devices = List.of();

    synchronized List<DeviceStatus> devices() {
      long now = System.nanoTime();
      if (!made || now - madeAt > TimeUnit.SECONDS.toNanos(1)) {
        devices = status.devices(Optional.empty(), STALE_AFTER);
        madeAt = now;
        made = true;
      }
      return devices;
    }
  }

  private static long count(List<DeviceStatus> devices, Predicate<DeviceStatus> which) {
    return devices.stream().filter(which).count();
  }

  private Response metrics(Request request) {
    Access.readDevices(request);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Response.text(PrometheusTextFormatWriter.CONTENT_TYPE, out.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void answered(String method, String route, int status, long nanos) {
    requests.labelValues(method, route, Integer.toString(status)).inc();
    latency.labelValues(method, route).observe(seconds(nanos));
    if (status == 429) {
      rateLimited.inc();
    }
  }

  @Override
  public void authenticationFailed() {
    authenticationFailures.inc();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
