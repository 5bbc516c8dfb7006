package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.server.git.GitSources;
import io.fleetconf.server.git.SourceStatus;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import java.util.Locale;

/**
 * {@code GET /api/v1/git/sources}: the Git sources this server follows and where each stands;
 * {@code GET /api/v1/seal/key}: the public key that {@code fleetconf seal} seals secrets to.
 */
public final class GitApi {
  private final GitSources sources;

  public GitApi(GitSources sources) {
    this.sources = sources;
  }

  public void register(Router router) {
    router.on("GET", "/api/v1/git/sources", this::list);
    router.on("GET", "/api/v1/seal/key", this::sealKey);
  }

  private Response sealKey(Request request) {
    Access.operator(request, "read the seal key");
    ObjectNode out = ApiJson.object();
    out.put("key", io.fleetconf.git.Sealing.publicText(sources.sealKey()));
    out.put("keyId", io.fleetconf.git.Sealing.keyId(sources.sealKey()));
    return Response.json(200, out);
  }

  private Response list(Request request) {
    Access.operator(request, "read the git sources");
    ObjectNode out = ApiJson.object();
    ArrayNode list = out.putArray("sources");
    sources.statuses().forEach(status -> list.add(json(status)));
    return Response.json(200, out);
  }

  static ObjectNode json(SourceStatus status) {
    ObjectNode out = ApiJson.object();
    out.put("name", status.source().name());
    out.put("url", status.source().displayUrl());
    out.put("branch", status.source().branch());
    out.put("path", status.source().path());
    out.put("state", status.state().name().toLowerCase(Locale.ROOT));
    status.applied().ifPresent(commit -> out.put("applied", commit));
    status.tip().ifPresent(commit -> out.put("tip", commit));
    status.lastFetch().ifPresent(time -> out.put("lastFetch", ApiJson.time(time)));
    status.fetchError().ifPresent(error -> out.put("fetchError", error));
    ArrayNode refused = out.putArray("refused");
    for (SourceStatus.Refusal refusal : status.refused()) {
      ObjectNode item = refused.addObject();
      item.put("commit", refusal.commit());
      item.put("subject", refusal.subject());
      refusal.file().ifPresent(file -> item.put("file", file));
      refusal.line().ifPresent(line -> item.put("line", line));
      item.put("reason", refusal.reason());
    }
    return out;
  }
}
