package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Impact;
import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.RolloutPolicy;
import io.fleetconf.server.Rollouts;
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
      Rollouts rollouts = replica.rollouts();
      return policy.map(p -> Response.json(202, rollouts.progress(rollouts.start(proposal, p)).toJson()))
          .orElseGet(() -> answer.apply(replica.commit(proposal)));
    }
    Access.readDevices(request); // the impact names devices and shows their config
    // mask=true: secrets masked even for a token that may read them (a plan printed in a CI log).
    boolean mask = request.flag("mask");
    Impact impact = replica.preview(proposal, Access.revealsSecrets(request) && !mask,
        key -> Access.mayRead(request, key));
    ApiJson.Sight seen = Access.sight(request);
    ObjectNode out = ApiJson.dryRun(impact, mask ? new ApiJson.Sight(seen.keys(), seen.devices(), false) : seen);
    if (policy.isPresent()) {
      out.put("rollout", policy.get().name()); // the policy the write would go out with
    } else {
      out.putNull("rollout");
    }
    return Response.ok(out);
  }
}
