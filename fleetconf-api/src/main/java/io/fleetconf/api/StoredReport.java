package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A report as the server keeps and shows it: an {@link AgentReport} with the time it arrived
 * (ISO-8601 UTC to the millisecond). {@code error} and {@code runningRevision} are null when absent.
 */
public record StoredReport(String namespace, long revision, String hash, String status, Optional<String> error,
    String agentVersion, String time, Optional<Long> runningRevision) {

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    out.put("namespace", namespace);
    out.put("revision", revision);
    out.put("hash", hash);
    out.put("status", status);
    Fields.putText(out, "error", error);
    out.put("agentVersion", agentVersion);
    out.put("time", time);
    Fields.putLong(out, "runningRevision", runningRevision);
    return out;
  }

  public static StoredReport from(JsonNode body) {
    return new StoredReport(body.path("namespace").asText(), body.path("revision").asLong(), body.path("hash").asText(),
        body.path("status").asText(), Fields.nullable(body, "error"), body.path("agentVersion").asText(),
        body.path("time").asText(), Fields.nullableLong(body, "runningRevision"));
  }
}
