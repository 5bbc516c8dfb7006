package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * {@code POST /api/v1/devices/<id>/reports}: what an agent applied for one namespace. {@code
 * revision} is the one a pass tried, {@code runningRevision} the one whose content the device runs
 * now (after a rollback, an earlier one), {@code status} applied, failed or rolled_back.
 */
public record AgentReport(String namespace, long revision, Optional<Long> runningRevision, String hash, String status,
    Optional<String> error, Optional<String> agentVersion) {

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    out.put("namespace", namespace);
    out.put("revision", revision);
    runningRevision.ifPresent(running -> out.put("runningRevision", running.longValue()));
    out.put("hash", hash);
    out.put("status", status);
    error.ifPresent(e -> out.put("error", e));
    agentVersion.ifPresent(version -> out.put("agentVersion", version));
    return out;
  }

  /** Reads an agent's report; a missing or mistyped field is a {@link WireException} that names it. */
  public static AgentReport from(JsonNode body) {
    String namespace = Fields.text(body, "namespace");
    long revision = Fields.revision(body, "revision");
    String hash = Fields.text(body, "hash");
    String status = Fields.text(body, "status");
    Optional<String> error = Fields.optionalText(body, "error");
    Optional<String> agentVersion = Fields.optionalText(body, "agentVersion");
    return new AgentReport(namespace, revision, Fields.optionalRevision(body, "runningRevision"), hash, status, error,
        agentVersion);
  }
}
