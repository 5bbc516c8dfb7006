package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** Every refusal's body: a stable code such as {@code not_found}, and a message for people. */
public record ErrorBody(String error, String message) {

  public ObjectNode toJson() {
    return Fields.JSON.objectNode().put("error", error).put("message", message);
  }

  /** The error in a body, if it has this shape (a message; a missing code reads as {@code error}). */
  public static Optional<ErrorBody> from(JsonNode body) {
    if (!body.hasNonNull("message")) {
      return Optional.empty();
    }
    return Optional.of(new ErrorBody(body.path("error").asText("error"), body.get("message").asText()));
  }
}
