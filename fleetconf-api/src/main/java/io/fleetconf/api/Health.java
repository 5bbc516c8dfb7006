package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/health}: {@code ok} or {@code unready} (answered with 503), and the server's revision. */
public record Health(String status, long revision) {

  public ObjectNode toJson() {
    return Fields.JSON.objectNode().put("status", status).put("revision", revision);
  }

  public static Health from(JsonNode body) {
    if (!body.path("revision").canConvertToLong()) {
      throw new WireException("the health answer has no revision");
    }
    return new Health(body.path("status").asText(), body.get("revision").asLong());
  }
}
