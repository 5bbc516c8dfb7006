package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void everyApiCallNeedsABearerToken() {
    Reply none = server.send("GET", "/api/v1/devices", null, null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("message").asText())
        .isEqualTo("missing credentials: send 'Authorization: Bearer <token>' or a client certificate");
    Reply wrong = server.send("PUT", "/api/v1/entries/global/a/b", "1".getBytes(), "application/json",
        "Bearer fc_not-a-real-token");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("message").asText()).isEqualTo("the bearer token is not valid");
    assertThat(server.revision()).isZero();
  }

  @Test
  void healthAndApiDescriptionAreOpen() {
    assertThat(server.send("GET", "/api/v1/health", null, null, null).json().toString())
        .isEqualTo("{\"status\":\"ok\",\"revision\":0}");
    assertThat(server.send("GET", "/api/v1/openapi.yaml", null, null, null).status()).isEqualTo(200);
    Reply head = server.send("HEAD", "/api/v1/health", null, null, null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void adminTokenIsWrittenOnceWithOwnerOnlyModeAndStoredOnlyAsHash() throws Exception {
    Path file = server.dataDir().resolve(FleetServer.ADMIN_TOKEN_FILE);
    assertThat(Files.readString(file).strip()).isEqualTo(server.token());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    byte[] database = Files.readAllBytes(server.dataDir().resolve("fleetconf.db"));
    assertThat(new String(database, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(server.token());
    String token = server.token();
    server.restart();
    assertThat(server.token()).isEqualTo(token);
    assertThat(server.get("/api/v1/devices").status()).isEqualTo(200);
  }
}
