package io.fleetconf.server.consul;

import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Router;

/** The Consul-compatible API under {@code /v1}: every route of it, in one table. */
public final class ConsulApi {
  private ConsulApi() {}

  public static void register(Router router, Replica replica) {
    ConsulKvApi kv = new ConsulKvApi(replica);
    kv.register(router);
    new ConsulTxnApi(replica, kv).register(router);
    ConsulAgentApi.register(router);
  }
}
