package io.fleetconf.server.api;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Impact;
import io.fleetconf.server.Replica;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
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
    return Response.ok(ApiJson.dryRun(impact, mask ? new ApiJson.Sight(seen.keys(), seen.devices(), false) : seen));
  }
}
