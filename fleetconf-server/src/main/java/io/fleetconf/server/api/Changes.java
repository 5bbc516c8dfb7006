package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Impact;
import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import java.util.Locale;
import java.util.function.Function;

/**
 * Where every native write ends: it is made, or with {@code ?dry_run=true} only previewed, the
 * answer then saying which devices' effective config would change and how (docs/api.md, "Dry
 * runs"). A dry run is checked and refused exactly as the write would be, and writes nothing.
 */
final class Changes {
  private Changes() {}

  /** Commits {@code proposal} and answers with {@code answer}, or answers with its impact on a dry run. */
  static Response make(Replica replica, Request request, Proposal proposal, Function<ChangeSet, Response> answer) {
    if (!request.flag("dry_run")) {
      return answer.apply(replica.commit(proposal));
    }
    Access.readDevices(request); // the impact names devices and shows their config
    // mask=true: secrets masked even for a token that may read them (a plan printed in a CI log).
    boolean mask = request.flag("mask");
    Impact impact = replica.preview(proposal, Access.revealsSecrets(request) && !mask,
        key -> Access.mayRead(request, key));
    ApiJson.Sight seen = Access.sight(request);
    return Response.ok(json(impact, mask ? new ApiJson.Sight(seen.keys(), seen.devices(), false) : seen));
  }

  private static ObjectNode json(Impact impact, ApiJson.Sight sight) {
    ObjectNode out = ApiJson.object();
    out.put("dryRun", true);
    out.set("changeSet", ApiJson.changeSet(impact.changeSet(), sight));
    ObjectNode schema = out.putObject("schema");
    schema.put("valid", impact.schemaRefusal().isEmpty());
    impact.schemaRefusal().ifPresent(refusal -> schema.put("message", refusal));
    out.put("devices", impact.devices().size());
    ArrayNode groups = out.putArray("impact");
    for (Impact.Group group : impact.groups()) {
      ObjectNode item = groups.addObject();
      item.put("kind", group.kind().name().toLowerCase(Locale.ROOT));
      ArrayNode devices = item.putArray("devices");
      group.devices().forEach(device -> devices.add(device.toString()));
      ArrayNode differences = item.putArray("differences");
      group.differences().forEach(d -> differences.add(ApiJson.difference(d.name(), "path", d.from(), d.to())));
    }
    return out;
  }
}
