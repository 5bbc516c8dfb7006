package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.server.git.GitSources;
import io.fleetconf.server.git.SourceStatus;
import io.fleetconf.server.git.Webhook;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import java.util.Locale;

/**
 * {@code GET /api/v1/git/sources}: the Git sources this server follows and where each stands;
 * {@code POST /api/v1/git/sources/NAME/webhook}, each source's push webhook, which needs no token
 * (forges cannot send one) but the signature of the source's webhook secret; and
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
    // Source names are [a-z0-9_-], so each is a path segment as it is.
    sources.statuses().forEach(status -> router.open("POST", webhookPath(status.source().name()),
        request -> webhook(status.source().name(), request)));
  }

  /** The path of {@code source}'s webhook. */
  private static String webhookPath(String source) {
    return "/api/v1/git/sources/" + source + "/webhook";
  }

  private Response webhook(String source, Request request) {
    byte[] body = request.body(Webhook.MAX_BODY_BYTES);
    ObjectNode out = ApiJson.object();
    out.put("source", source);
    switch (sources.webhook(source, request::header, body)) {
      case Webhook.Refused refused -> throw new ApiException(401, "bad_signature", "webhook of git source '" + source
          + "' refused: " + refused.why() + "; nothing was done");
      case Webhook.Ignored ignored -> {
        out.put("fetch", false);
        out.put("reason", ignored.why());
        return Response.json(200, out);
      }
      case Webhook.Fetch fetch -> {
        out.put("fetch", true);
        return Response.json(202, out);
      }
    }
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

  /**
   * Adds the sources to the health answer: each one's state, and for a failed one the commit, file,
   * line and reason that made it fail. A failed source does not make the server unhealthy: it serves
   * the last good commit, as it should.
   */
  public static void health(GitSources sources, ObjectNode health) {
    if (sources.statuses().isEmpty()) {
      return;
    }
    ArrayNode list = health.putArray("git");
    for (SourceStatus status : sources.statuses()) {
      ObjectNode item = list.addObject();
      item.put("name", status.source().name());
      item.put("state", status.state().name().toLowerCase(Locale.ROOT));
      status.applied().ifPresent(commit -> item.put("applied", commit));
      status.fetchError().ifPresent(error -> item.put("fetchError", error));
      if (status.state() == SourceStatus.State.FAILED && !status.refused().isEmpty()) {
        item.set("failure", refusal(status.refused().get(0)));
      }
    }
  }

  private static ObjectNode refusal(SourceStatus.Refusal refusal) {
    ObjectNode item = ApiJson.object();
    item.put("commit", refusal.commit());
    item.put("subject", refusal.subject());
    refusal.file().ifPresent(file -> item.put("file", file));
    refusal.line().ifPresent(line -> item.put("line", line));
    item.put("reason", refusal.reason());
    return item;
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
    status.refused().forEach(refusal -> refused.add(refusal(refusal)));
    return out;
  }
}
