package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Impact;
import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.RolloutPolicy;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where every native write ends: it is made, or with {@code ?dry_run=true} only previewed, the
 * answer then saying which devices' effective config would change and how (docs/api.md, "Dry
 * runs"). A dry run is checked and refused exactly as the write would be, and writes nothing.
 * With {@code ?force_schema=true} a schema it writes is taken even though devices break it.
 */
final class Changes {
  private Changes() {}

  /** Commits {@code proposal} and answers with {@code answer}, or answers with its impact on a dry run. */
  static Response make(Replica replica, Request request, Proposal asked, Function<ChangeSet, Response> answer) {
    // force_schema=true: a schema written is taken even where devices' current config breaks it.
    Proposal proposal = request.flag("force_schema") ? asked.forcingSchemas() : asked;
    // ?rollout=<policy> or the namespace's own policy: the change goes out in waves (docs/safe-changes.md).
    Optional<RolloutPolicy> policy = replica.rollouts().policyFor(proposal, request.query("rollout"));
    if (!request.flag("dry_run")) {
      return policy.map(p -> Response.json(202, RolloutsApi.json(replica.rollouts().start(proposal, p))))
          .orElseGet(() -> answer.apply(replica.commit(proposal)));
    }
    Access.readDevices(request); // the impact names devices and shows their config
    Impact impact = replica.preview(proposal, Access.revealsSecrets(request), key -> Access.mayRead(request, key));
    return Response.ok(json(impact, Access.sight(request), policy));
  }

  private static ObjectNode json(Impact impact, ApiJson.Sight sight, Optional<RolloutPolicy> policy) {
    ObjectNode out = ApiJson.object();
    out.put("dryRun", true);
    if (policy.isPresent()) {
      out.put("rollout", policy.get().name()); // the policy the write would go out with
    } else {
      out.putNull("rollout");
    }
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
