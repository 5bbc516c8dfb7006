package io.fleetconf.server.consul;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.Revision;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.server.api.ApiJson;

/**
 * What Consul clients ask of the agent and the cluster at start-up and for health: one server
 * that is its own leader, in datacenter {@code dc1}. Sessions (and so locks) are refused clearly.
 */
final class ConsulAgentApi {
  static final String DATACENTER = "dc1";
  static final String NODE = "fleetconf";

  private ConsulAgentApi() {}

  static void register(Router router) {
    router.open("GET", "/v1/status/leader",
        request -> consul(Response.json(200, TextNode.valueOf(request.localAddress()))));
    router.open("GET", "/v1/status/peers", request -> {
      ArrayNode peers = ApiJson.array().add(request.localAddress());
      return consul(Response.ok(peers));
    });
    router.on("GET", "/v1/catalog/datacenters", request -> consul(Response.ok(ApiJson.array().add(DATACENTER))));
    router.on("GET", "/v1/agent/self", ConsulAgentApi::self);
    for (String method : new String[] {"GET", "PUT", "POST", "DELETE"}) {
      router.on(method, "/v1/session", ConsulAgentApi::noSessions).under(method, "/v1/session", ConsulAgentApi::noSessions);
    }
  }

  private static Response self(Request request) {
    ObjectNode out = ApiJson.object();
    ObjectNode config = out.putObject("Config");
    config.put("Datacenter", DATACENTER);
    config.put("PrimaryDatacenter", DATACENTER);
    config.put("NodeName", NODE);
    config.put("NodeID", "");
    config.put("Server", true);
    config.put("Revision", "fleetconf");
    config.put("Version", version());
    String address = request.localAddress();
    int colon = address.lastIndexOf(':');
    ObjectNode member = out.putObject("Member");
    member.put("Name", NODE);
    member.put("Addr", address.substring(0, colon).replace("[", "").replace("]", ""));
    member.put("Port", Integer.parseInt(address.substring(colon + 1)));
    member.putObject("Tags").put("role", "consul").put("dc", DATACENTER);
    member.put("Status", 1);
    out.putObject("Meta");
    out.putObject("Stats");
    return consul(Response.ok(out));
  }

  private static Response noSessions(Request request) {
    throw new ApiException(501, "unsupported", "fleetconf does not support Consul sessions and locks;"
        + " see docs/consul-compatibility.md");
  }

  /** The Consul version clients see: a recent one whose KV API fleetconf follows. */
  private static String version() {
    return "1.20.0";
  }

  private static Response consul(Response response) {
    return ConsulKvApi.consul(response, Revision.ZERO);
  }
}
