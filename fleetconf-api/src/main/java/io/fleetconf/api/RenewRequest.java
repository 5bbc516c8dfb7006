package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /api/v1/devices/<id>/certificate}: a certificate request (PEM) for the device's new key. */
public record RenewRequest(String csr) {

  public ObjectNode toJson() {
    return Fields.JSON.objectNode().put("csr", csr);
  }

  public static RenewRequest from(JsonNode body) {
    return new RenewRequest(Fields.text(body, "csr"));
  }
}
