package io.fleetconf.server.consul;

import io.fleetconf.server.Fleet;
import io.fleetconf.server.http.Router;

/** The Consul-compatible API under {@code /v1}: every route of it, in one table. */
public final class ConsulApi {
  private ConsulApi() {}

  public static void register(Router router, Fleet fleet) {
    ConsulKvApi kv = new ConsulKvApi(fleet);
    kv.register(router);
    new ConsulTxnApi(fleet, kv).register(router);
    ConsulAgentApi.register(router);
  }
}
