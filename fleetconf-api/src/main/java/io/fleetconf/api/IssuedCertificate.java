package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The answer to enrolment and renewal: the certificate's record, its chain (PEM) and the fleet CA (PEM). */
public record IssuedCertificate(CertificateInfo info, String certificate, String ca) {

  public ObjectNode toJson() {
    ObjectNode out = info.toJson();
    out.put("certificate", certificate);
    out.put("ca", ca);
    return out;
  }

  /** Reads an answer; one without a certificate is a {@link WireException}. */
  public static IssuedCertificate from(JsonNode body) {
    if (!body.hasNonNull("certificate")) {
      throw new WireException("the answer has no certificate");
    }
    return new IssuedCertificate(CertificateInfo.from(body), body.get("certificate").asText(), body.path("ca").asText());
  }
}
