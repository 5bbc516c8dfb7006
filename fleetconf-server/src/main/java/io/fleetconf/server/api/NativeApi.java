package io.fleetconf.server.api;

import io.fleetconf.api.Health;
import io.fleetconf.api.Paths;
import io.fleetconf.server.Replica;
import io.fleetconf.server.FleetStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import io.fleetconf.server.http.Authentication;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;

/** The native API under {@code /api/v1}: every route of it, in one table. */
public final class NativeApi {
  private NativeApi() {}

  public static void register(Router router, Replica replica, FleetStatus status, Authentication authentication) {
    register(router, replica, status, authentication, detail -> { });
  }

  /** @param healthDetail adds what else the health answer shows (the Git sources' states) */
  public static void register(Router router, Replica replica, FleetStatus status, Authentication authentication,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> healthDetail) {
    String openapi = openapi();
    // For load balancers too: 503 while this server cannot answer as current (no database).
    router.open("GET", Paths.HEALTH, request -> {
      var body = new Health(replica.ready() ? "ok" : "unready", replica.snapshot().revision().value()).toJson();
      healthDetail.accept(body);
      return Response.json(replica.ready() ? 200 : 503, body);
    });
    router.open("GET", "/api/v1/openapi.yaml", request -> Response.text("application/yaml", openapi));
    new EntriesApi(replica).register(router);
    new DevicesApi(replica, status).register(router);
    new FleetStatusApi(status).register(router);
    new HistoryApi(replica).register(router);
    new SecurityApi(replica, authentication).register(router);
    new MetricsApi(replica, status).register(router);
    new LoggingApi().register(router);
    new RolloutsApi(replica.rollouts()).register(router);
  }

  private static String openapi() {
    try (InputStream in = NativeApi.class.getResourceAsStream("/io/fleetconf/server/openapi.yaml")) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
