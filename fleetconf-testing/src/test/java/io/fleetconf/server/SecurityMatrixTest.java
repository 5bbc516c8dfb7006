package io.fleetconf.server;

import static io.fleetconf.server.SecurityMatrixTest.Who.ADMIN;
import static io.fleetconf.server.SecurityMatrixTest.Who.BAD_TOKEN;
import static io.fleetconf.server.SecurityMatrixTest.Who.DEVICE_A_CERTIFICATE;
import static io.fleetconf.server.SecurityMatrixTest.Who.DEVICE_A_TOKEN;
import static io.fleetconf.server.SecurityMatrixTest.Who.DEVICE_B;
import static io.fleetconf.server.SecurityMatrixTest.Who.DEVICE_READER;
import static io.fleetconf.server.SecurityMatrixTest.Who.EXPIRED_TOKEN;
import static io.fleetconf.server.SecurityMatrixTest.Who.LISBON_OPERATOR;
import static io.fleetconf.server.SecurityMatrixTest.Who.NO_CREDENTIALS;
import static io.fleetconf.server.SecurityMatrixTest.Who.REVOKED_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.server.security.Pem;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestTls;
import io.fleetconf.testing.TestServer.Reply;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.SoftAssertions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, over real HTTPS: every kind of caller against every API area, with the exact
 * status each must get. Devices dev-a (in site/lisbon) and dev-b (in site/porto) share one server.
 */
class SecurityMatrixTest {
  @RegisterExtension static final TestServer server = TestServer.fresh().tls();
  @TempDir static Path keys;

  private static final String INSIDE = "groups/site/lisbon/common/ntp";
  private static final String OUTSIDE = "global/common/motd";
  private static final String SECRET_KEY = "groups/site/lisbon/dvr/password";
  private static final String PLAINTEXT = "hunter2";
  private static final String MASK = "********";
  private static final Map<Who, Credential> credentials = new EnumMap<>(Who.class);
  /** The change set that put {@link #OUTSIDE}; only an admin may roll it back. */
  private static long outsideRevision;

  /**
   * The kinds of caller, in the order they are tried. The admin comes last: its rollback deletes
   * {@link #OUTSIDE}, after which a rollback of the same change set would be a conflict.
   */
  enum Who {
    NO_CREDENTIALS, BAD_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN, DEVICE_A_TOKEN, DEVICE_A_CERTIFICATE, DEVICE_B,
    LISBON_OPERATOR, DEVICE_READER, ADMIN
  }

  /** The API areas, in the order of the columns of {@link #EXPECTED}; inside means in site/lisbon. */
  enum Area {
    READ_INSIDE, WRITE_INSIDE, READ_OUTSIDE, WRITE_OUTSIDE, CONFIG_A, CONFIG_B, WATCH_A, WATCH_B, REPORT_A, REPORT_B,
    DEVICES, TOKENS, SECRET, ROLLBACK, WHOAMI
  }

  // Expired and revoked tokens carry the admin rule: they must be refused whatever their rights.
  private static final Map<Who, List<Integer>> EXPECTED = table(
      //                        inside    outside       config    watch     report    devices
      //                        get  put  get  put      A    B    A    B    A    B    list tokens secret rollback whoami
      row(NO_CREDENTIALS,       401, 401, 401, 401,     401, 401, 401, 401, 401, 401, 401, 401,   401,   401,     401),
      row(BAD_TOKEN,            401, 401, 401, 401,     401, 401, 401, 401, 401, 401, 401, 401,   401,   401,     401),
      row(EXPIRED_TOKEN,        401, 401, 401, 401,     401, 401, 401, 401, 401, 401, 401, 401,   401,   401,     401),
      row(REVOKED_TOKEN,        401, 401, 401, 401,     401, 401, 401, 401, 401, 401, 401, 401,   401,   401,     401),
      row(DEVICE_A_TOKEN,       403, 403, 403, 403,     200, 403, 200, 403, 201, 403, 403, 403,   403,   403,     200),
      row(DEVICE_A_CERTIFICATE, 403, 403, 403, 403,     200, 403, 200, 403, 201, 403, 403, 403,   403,   403,     200),
      row(DEVICE_B,             403, 403, 403, 403,     403, 200, 403, 200, 403, 201, 403, 403,   403,   403,     200),
      row(LISBON_OPERATOR,      200, 200, 403, 403,     403, 403, 403, 403, 403, 403, 403, 403,   200,   403,     200),
      row(DEVICE_READER,        403, 403, 403, 403,     200, 200, 200, 200, 403, 403, 200, 403,   403,   403,     200),
      row(ADMIN,                200, 200, 200, 200,     200, 200, 200, 200, 201, 201, 200, 200,   200,   200,     200));

  /** How a caller authenticates: TLS trusting the fleet CA (with a client certificate or not), and a header. */
  private record Credential(SSLContext tls, Optional<String> authorization) {
    static Credential none() {
      return new Credential(TestTls.context(Optional.of(server.caFile()), Optional.empty()), Optional.empty());
    }

    static Credential bearer(String token) {
      return new Credential(none().tls(), Optional.of("Bearer " + token));
    }

    static Credential certificate(TestTls.Identity identity) {
      return new Credential(TestTls.context(Optional.of(server.caFile()), Optional.of(identity)), Optional.empty());
    }
  }

  /** One request of an area. */
  private record Call(String method, String path, Optional<String> body) {}

  @BeforeAll
  static void fleet() throws Exception {
    created(server.post("/api/v1/devices", "{\"id\": \"dev-a\", \"groups\": [\"site/lisbon\"]}"));
    created(server.post("/api/v1/devices", "{\"id\": \"dev-b\", \"groups\": [\"site/porto\"]}"));
    ok(server.put("/api/v1/entries/" + INSIDE, "\"pool.ntp.org\""));
    outsideRevision = ok(server.put("/api/v1/entries/" + OUTSIDE, "\"hello\"")).json().get("revision").asLong();
    ok(server.put("/api/v1/entries/" + SECRET_KEY + "?secret=true", "\"" + PLAINTEXT + "\""));

    credentials.put(NO_CREDENTIALS, Credential.none());
    credentials.put(BAD_TOKEN, Credential.bearer("fc_nonsense"));
    // Used only after the rest of this setup, long after its millisecond is over.
    credentials.put(EXPIRED_TOKEN, Credential.bearer(newToken("{\"kind\": \"operator\", \"identity\": \"late\","
        + " \"rules\": [\"admin\"], \"ttl\": \"1ms\"}")));
    JsonNode revoked = token("{\"kind\": \"operator\", \"identity\": \"gone\", \"rules\": [\"admin\"]}");
    ok(server.delete("/api/v1/tokens/" + revoked.get("id").asText()));
    credentials.put(REVOKED_TOKEN, Credential.bearer(revoked.get("token").asText()));
    credentials.put(DEVICE_A_TOKEN, Credential.bearer(newToken("{\"kind\": \"device\", \"device\": \"dev-a\"}")));
    credentials.put(DEVICE_A_CERTIFICATE, Credential.certificate(enrol("dev-a")));
    credentials.put(DEVICE_B, Credential.bearer(newToken("{\"kind\": \"device\", \"device\": \"dev-b\"}")));
    credentials.put(LISBON_OPERATOR, Credential.bearer(newToken("{\"kind\": \"operator\", \"identity\": \"alice\","
        + " \"rules\": [\"write fleet/groups/site/lisbon/*\"]}")));
    credentials.put(DEVICE_READER, Credential.bearer(newToken("{\"kind\": \"operator\", \"identity\": \"bob\","
        + " \"rules\": [\"read devices\"]}")));
    credentials.put(ADMIN, Credential.bearer(server.token()));
  }

  @Test
  void everyCallerGetsExactlyTheStatusOfTheMatrix() {
    SoftAssertions softly = new SoftAssertions();
    for (Who who : Who.values()) {
      for (Area area : Area.values()) {
        Call call = call(area);
        Reply reply = send(who, call);
        softly.assertThat(reply.status())
            .as("%s × %s (%s %s): %s", who, area, call.method(), call.path(), reply.body())
            .isEqualTo(EXPECTED.get(who).get(area.ordinal()));
      }
    }
    softly.assertAll();
  }

  @Test
  void refusedCredentialsSayWhy() {
    assertThat(message(NO_CREDENTIALS))
        .isEqualTo("missing credentials: send 'Authorization: Bearer <token>' or a client certificate");
    assertThat(message(BAD_TOKEN)).isEqualTo("the bearer token is not valid");
    assertThat(message(EXPIRED_TOKEN)).isEqualTo("the bearer token is expired");
    assertThat(message(REVOKED_TOKEN)).isEqualTo("the bearer token is revoked");
  }

  @Test
  void aClientCertificateAloneIdentifiesTheDevice() {
    assertThat(send(DEVICE_A_CERTIFICATE, call(Area.WHOAMI)).json().toString())
        .isEqualTo("{\"kind\":\"device\",\"device\":\"dev-a\",\"by\":\"certificate\"}");
    assertThat(send(DEVICE_A_TOKEN, call(Area.WHOAMI)).json().toString())
        .isEqualTo("{\"kind\":\"device\",\"device\":\"dev-a\",\"by\":\"token\"}");
  }

  @Test
  void secretEntriesAreMaskedForOperatorsWithoutTheRightToReadSecrets() {
    JsonNode asAdmin = send(ADMIN, call(Area.SECRET)).json();
    assertThat(asAdmin.get("value").asText()).isEqualTo(PLAINTEXT);
    assertThat(asAdmin.get("masked").asBoolean()).isFalse();
    JsonNode asOperator = send(LISBON_OPERATOR, call(Area.SECRET)).json();
    assertThat(asOperator.get("value").asText()).isEqualTo(MASK);
    assertThat(asOperator.get("masked").asBoolean()).isTrue();
    assertThat(asOperator.get("secret").asBoolean()).isTrue();
  }

  @Test
  void effectiveConfigCarriesTheSecretOnlyToItsDeviceAndToThoseWhoMayReadSecrets() {
    for (Who who : List.of(DEVICE_A_TOKEN, DEVICE_A_CERTIFICATE, ADMIN)) {
      JsonNode config = send(who, call(Area.CONFIG_A)).json();
      assertThat(config.at("/config/dvr/password").asText()).as("%s", who).isEqualTo(PLAINTEXT);
      assertThat(config.get("secrets").toString()).as("%s", who).isEqualTo("[\"dvr/password\"]");
    }
    JsonNode asReader = send(DEVICE_READER, call(Area.CONFIG_A)).json();
    assertThat(asReader.at("/config/dvr/password").asText()).isEqualTo(MASK);
    assertThat(asReader.get("secrets").toString()).isEqualTo("[\"dvr/password\"]");

    Reply outsider = send(DEVICE_B, call(Area.CONFIG_B));
    assertThat(outsider.json().get("config").has("dvr")).isFalse();
    assertThat(outsider.json().has("secrets")).isFalse();
    assertThat(outsider.body()).doesNotContain(PLAINTEXT);
  }

  private static Call call(Area area) {
    return switch (area) {
      case READ_INSIDE -> get("/api/v1/entries/" + INSIDE);
      case WRITE_INSIDE -> put("/api/v1/entries/" + INSIDE, "\"time.example.org\"");
      case READ_OUTSIDE -> get("/api/v1/entries/" + OUTSIDE);
      case WRITE_OUTSIDE -> put("/api/v1/entries/global/common/banner", "\"welcome\"");
      case CONFIG_A -> get("/api/v1/devices/dev-a/config");
      case CONFIG_B -> get("/api/v1/devices/dev-b/config");
      case WATCH_A -> get("/api/v1/devices/dev-a/config?index=" + server.revision() + "&wait=500ms");
      case WATCH_B -> get("/api/v1/devices/dev-b/config?index=" + server.revision() + "&wait=500ms");
      case REPORT_A -> post("/api/v1/devices/dev-a/reports", report());
      case REPORT_B -> post("/api/v1/devices/dev-b/reports", report());
      case DEVICES -> get("/api/v1/devices");
      case TOKENS -> get("/api/v1/tokens");
      case SECRET -> get("/api/v1/entries/" + SECRET_KEY);
      case ROLLBACK -> post("/api/v1/rollback", "{\"revision\": " + outsideRevision + "}");
      case WHOAMI -> get("/api/v1/whoami");
    };
  }

  private static String report() {
    return "{\"namespace\": \"common\", \"revision\": 1, \"hash\": \"h\", \"status\": \"applied\"}";
  }

  private static Call get(String path) {
    return new Call("GET", path, Optional.empty());
  }

  private static Call put(String path, String json) {
    return new Call("PUT", path, Optional.of(json));
  }

  private static Call post(String path, String json) {
    return new Call("POST", path, Optional.of(json));
  }

  /**
   * Sends {@code call} as {@code who} on a connection of its own, so that calls stay independent: over
   * TLS, a refused request whose body the server never read can stall the next one on its connection.
   */
  private static Reply send(Who who, Call call) {
    Credential credential = credentials.get(who);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + call.path()))
        .method(call.method(), call.body().map(HttpRequest.BodyPublishers::ofString)
            .orElseGet(HttpRequest.BodyPublishers::noBody));
    call.body().ifPresent(body -> request.header("Content-Type", "application/json"));
    credential.authorization().ifPresent(value -> request.header("Authorization", value));
    try (HttpClient http = HttpClient.newBuilder().sslContext(credential.tls()).sslParameters(TestTls.parameters())
        .build()) {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new AssertionError(who + ": " + call.method() + " " + call.path() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String message(Who who) {
    Reply reply = send(who, call(Area.WHOAMI));
    assertThat(reply.status()).isEqualTo(401);
    return reply.json().get("message").asText();
  }

  /** Enrols {@code device} with a fresh enrolment token and key; its certificate and key end up in files. */
  private static TestTls.Identity enrol(String device) throws Exception {
    String token = newToken("{\"kind\": \"enrolment\", \"device\": \"" + device + "\", \"ttl\": \"1h\"}");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + device), pair.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(csr);
    }
    String body = new ObjectMapper().createObjectNode().put("token", token).put("csr", pem.toString()).toString();
    JsonNode issued = created(server.send("POST", "/api/v1/enrol", body.getBytes(StandardCharsets.UTF_8),
        "application/json", null)).json();
    Path certificate = Files.writeString(keys.resolve(device + ".crt"), issued.get("certificate").asText());
    Path key = Files.writeString(keys.resolve(device + ".key"), Pem.pkcs8(pair.getPrivate()));
    return new TestTls.Identity(certificate, key);
  }

  private static JsonNode token(String json) {
    return created(server.post("/api/v1/tokens", json)).json();
  }

  private static String newToken(String json) {
    return token(json).get("token").asText();
  }

  private static Reply created(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply;
  }

  private static Reply ok(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply;
  }

  private static Map.Entry<Who, List<Integer>> row(Who who, Integer... statuses) {
    if (statuses.length != Area.values().length) {
      throw new IllegalArgumentException("row " + who + " has " + statuses.length + " statuses, not one per area "
          + Arrays.toString(Area.values()));
    }
    return Map.entry(who, List.of(statuses));
  }

  @SafeVarargs
  private static Map<Who, List<Integer>> table(Map.Entry<Who, List<Integer>>... rows) {
    Map<Who, List<Integer>> table = new EnumMap<>(Who.class);
    for (Map.Entry<Who, List<Integer>> row : rows) {
      table.put(row.getKey(), row.getValue());
    }
    if (table.size() != Who.values().length) {
      throw new IllegalArgumentException("the table needs one row per caller, has " + table.keySet());
    }
    return table;
  }
}
