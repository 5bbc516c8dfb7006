package io.fleetconf.server.http;

import io.fleetconf.server.Fleet;
import io.fleetconf.server.FleetStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The native API under {@code /api/v1} and the Consul-compatible one under {@code /v1}: every route, in one table. */
public final class Api {
  private Api() {}

  public static Router router(Fleet fleet, FleetStatus status, Gate gate) {
    Router router = new Router(gate, fleet::ready);
    String openapi = openapi();
    // For load balancers too: 503 while this server cannot answer as current (no database).
    router.open("GET", io.fleetconf.api.Paths.HEALTH, request -> Response.json(fleet.ready() ? 200 : 503,
        new io.fleetconf.api.Health(fleet.ready() ? "ok" : "unready", fleet.snapshot().revision().value()).toJson()));
    router.open("GET", "/api/v1/openapi.yaml", request -> Response.text("application/yaml", openapi));
    new EntriesApi(fleet).register(router);
    new DevicesApi(fleet, status).register(router);
    new FleetApi(status).register(router);
    new HistoryApi(fleet).register(router);
    new SecurityApi(fleet, gate).register(router);
    ConsulKvApi kv = new ConsulKvApi(fleet);
    kv.register(router);
    new ConsulTxnApi(fleet, kv).register(router);
    ConsulAgentApi.register(router);
    return router;
  }

  private static String openapi() {
    try (InputStream in = Api.class.getResourceAsStream("/io/fleetconf/server/openapi.yaml")) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
