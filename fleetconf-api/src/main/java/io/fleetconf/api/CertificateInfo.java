package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** A client certificate the fleet CA issued: times in ISO-8601 UTC; {@code revoked} null while it is not. */
public record CertificateInfo(String serial, String device, String issued, String notAfter, Optional<String> revoked) {

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    out.put("serial", serial);
    out.put("device", device);
    out.put("issued", issued);
    out.put("notAfter", notAfter);
    Fields.putText(out, "revoked", revoked);
    return out;
  }

  public static CertificateInfo from(JsonNode body) {
    return new CertificateInfo(body.path("serial").asText(), body.path("device").asText(), body.path("issued").asText(),
        body.path("notAfter").asText(), Fields.nullable(body, "revoked"));
  }
}
