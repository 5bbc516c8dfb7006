package io.fleetconf.server.api;

import io.fleetconf.server.http.Authentication;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.api.CertificateInfo;
import io.fleetconf.api.EnrolRequest;
import io.fleetconf.api.IssuedCertificate;
import io.fleetconf.api.Paths;
import io.fleetconf.api.RenewRequest;
import io.fleetconf.api.Whoami;
import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.server.Replica;
import io.fleetconf.server.security.Acl;
import io.fleetconf.server.security.Caller;
import io.fleetconf.server.security.Certificates;
import io.fleetconf.server.security.Tokens;
import io.fleetconf.store.CertificateRecord;
import io.fleetconf.store.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tokens ({@code /api/v1/tokens}), enrolment ({@code /api/v1/enrol}), issued certificates
 * ({@code /api/v1/certificates}) and {@code /api/v1/whoami}. Managing tokens and certificates is
 * for admins; enrolment needs no other credential than the enrolment token itself.
 */
final class SecurityApi {
  private static final Duration DEFAULT_ENROLMENT_TTL = Duration.ofHours(1);
  private static final Duration MAX_ENROLMENT_TTL = Duration.ofDays(7);
  private final Replica fleet;
  private final Tokens tokens;
  private final Certificates certificates;

  SecurityApi(Replica fleet, Authentication gate) {
    this.fleet = fleet;
    this.tokens = gate.tokens();
    this.certificates = gate.certificates();
  }

  void register(Router router) {
    router.on("GET", "/api/v1/tokens", this::listTokens)
        .on("POST", "/api/v1/tokens", this::createToken)
        .under("DELETE", "/api/v1/tokens", this::revokeToken)
        .open("POST", Paths.ENROL, this::enrol)
        .on("GET", "/api/v1/certificates", this::listCertificates)
        .under("DELETE", "/api/v1/certificates", this::revokeCertificate)
        .on("GET", Paths.WHOAMI, this::whoami);
  }

  private Response whoami(Request request) {
    Whoami whoami = switch (request.caller()) {
      case Caller.Operator operator -> new Whoami.Operator(operator.name(), operator.tokenId(), operator.acl().rules());
      case Caller.Device device -> new Whoami.Device(device.id().value(), device.byCertificate());
      case Caller.Anonymous anonymous -> new Whoami.Anonymous();
    };
    return Response.ok(whoami.toJson());
  }

  private Response listTokens(Request request) {
    Access.admin(request, "list tokens");
    ObjectNode body = ApiJson.object();
    ArrayNode list = body.putArray("tokens");
    tokens.list().forEach(token -> list.add(token(token)));
    return Response.ok(body);
  }

  /** {@code {"kind": "operator", "identity": "alice", "rules": [...], "ttl": "30d"}}; kinds device and enrolment take {@code device}. */
  private Response createToken(Request request) {
    Access.admin(request, "create tokens");
    JsonNode body = Bodies.object(request);
    String kind = Bodies.optionalText(body, "kind").orElse(Tokens.OPERATOR);
    Optional<Duration> ttl = Bodies.optionalText(body, "ttl").map(text -> io.fleetconf.core.Durations
        .parse(text, java.time.temporal.ChronoUnit.SECONDS).filter(d -> !d.isNegative() && !d.isZero())
        .orElseThrow(() -> new InvalidInputException("invalid_body",
            "field 'ttl' must be a positive duration such as 15m, 12h or 30d, was '" + Excerpt.of(text) + "'")));
    Tokens.Issued issued = switch (kind) {
      case Tokens.OPERATOR -> {
        String identity = Bodies.text(body, "identity");
        if (!identity.matches("[A-Za-z0-9_.@\\-]{1,64}") || identity.startsWith("device:")) {
          throw new InvalidInputException("invalid_body",
              "field 'identity' must be 1 to 64 letters, digits or _ . @ -, e.g. alice or ci-deploy");
        }
        yield tokens.operator(identity, new Acl(rules(body)), ttl);
      }
      case Tokens.DEVICE -> tokens.device(registered(body), ttl);
      case Tokens.ENROLMENT -> {
        Duration life = ttl.orElse(DEFAULT_ENROLMENT_TTL);
        if (life.compareTo(MAX_ENROLMENT_TTL) > 0) {
          throw new InvalidInputException("invalid_body", "an enrolment token lives at most 7 days (field 'ttl')");
        }
        yield tokens.enrolment(registered(body), life);
      }
      default -> throw new InvalidInputException("invalid_body",
          "field 'kind' must be operator, device or enrolment, was '" + Excerpt.of(kind) + "'");
    };
    ObjectNode out = token(issued.record());
    out.put("token", issued.secret());
    return Response.json(201, out);
  }

  private DeviceId registered(JsonNode body) {
    DeviceId id = DeviceId.of(Bodies.text(body, "device"));
    Replica.device(fleet.snapshot(), id);
    return id;
  }

  private static List<String> rules(JsonNode body) {
    JsonNode rules = body.get("rules");
    if (rules == null || !rules.isArray() || rules.isEmpty()) {
      throw new InvalidInputException("invalid_body",
          "field 'rules' must be a non-empty array such as [\"read fleet/global/*\", \"read devices\"]");
    }
    List<String> out = new ArrayList<>();
    rules.forEach(rule -> out.add(rule.asText().strip()));
    return out;
  }

  private Response revokeToken(Request request) {
    Access.admin(request, "revoke tokens");
    String id = request.tail();
    TokenRecord token = tokens.list().stream().filter(t -> t.id().equals(id)).findFirst()
        .orElseThrow(() -> new io.fleetconf.store.NotFoundException("no token with id '" + Excerpt.of(id) + "'"));
    if (request.caller() instanceof Caller.Operator self && self.tokenId().equals(id)) {
      throw new InvalidInputException("invalid_request", "a token cannot revoke itself; use another admin token");
    }
    tokens.revoke(token.id());
    return Response.ok(token(tokens.list().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow()));
  }

  private static ObjectNode token(TokenRecord token) {
    ObjectNode out = ApiJson.object();
    out.put("id", token.id());
    out.put("kind", token.kind());
    out.put("identity", token.identity());
    ArrayNode rules = out.putArray("rules");
    token.rules().forEach(rules::add);
    out.put("created", ApiJson.time(token.created()));
    putTime(out, "expires", token.expires());
    putTime(out, "revoked", token.revoked());
    putTime(out, "used", token.used());
    return out;
  }

  /** {@code {"token": "<enrolment token>", "csr": "<PEM>"}} → the device's certificate. */
  private Response enrol(Request request) {
    EnrolRequest body = Bodies.object(request, EnrolRequest::from);
    try {
      Certificates.Issued issued = certificates.enrol(tokens, body.token(), body.csr());
      return Response.json(201, issued(issued));
    } catch (Certificates.EnrolmentRefused refused) {
      request.authentication().refused("enrolment refused from " + request.clientAddress() + ": " + refused.getMessage());
      throw refused;
    }
  }

  /** A device renews its certificate with its current one (or an admin does it for it). */
  static Response renew(Request request, DeviceId id, Replica fleet) {
    boolean self = request.caller() instanceof Caller.Device device && device.byCertificate() && device.id().equals(id);
    if (!self) {
      Access.admin(request, "renew the certificate of device '" + id + "'");
    }
    RenewRequest body = Bodies.object(request, RenewRequest::from);
    // Only a device still in the fleet gets a new certificate.
    Replica.device(fleet.snapshot(), id);
    return Response.json(201, issued(request.authentication().certificates().renew(id, body.csr())));
  }

  private static ObjectNode issued(Certificates.Issued issued) {
    return new IssuedCertificate(info(issued.record()), issued.chainPem(), issued.caPem()).toJson();
  }

  private Response listCertificates(Request request) {
    Access.admin(request, "list certificates");
    ObjectNode body = ApiJson.object();
    ArrayNode list = body.putArray("certificates");
    certificates.list().forEach(certificate -> list.add(certificate(certificate)));
    return Response.ok(body);
  }

  private Response revokeCertificate(Request request) {
    Access.admin(request, "revoke certificates");
    CertificateRecord revoked = certificates.revoke(request.tail());
    return Response.ok(certificate(certificates.list().stream().filter(c -> c.serial().equals(revoked.serial()))
        .findFirst().orElse(revoked)));
  }

  private static ObjectNode certificate(CertificateRecord certificate) {
    return info(certificate).toJson();
  }

  private static CertificateInfo info(CertificateRecord certificate) {
    return new CertificateInfo(certificate.serial(), certificate.device(), ApiJson.time(certificate.issued()),
        ApiJson.time(certificate.notAfter()), certificate.revoked().map(ApiJson::time));
  }

  private static void putTime(ObjectNode out, String field, Optional<Instant> time) {
    time.ifPresentOrElse(t -> out.put(field, ApiJson.time(t)), () -> out.putNull(field));
  }
}
