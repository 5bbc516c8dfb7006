package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /api/v1/enrol}: a one-time enrolment token and the device's certificate request (PEM). */
public record EnrolRequest(String token, String csr) {

  public ObjectNode toJson() {
    return Fields.JSON.objectNode().put("token", token).put("csr", csr);
  }

  public static EnrolRequest from(JsonNode body) {
    String token = Fields.text(body, "token");
    return new EnrolRequest(token, Fields.text(body, "csr"));
  }
}
