package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetconf server --anonymous-policy}: Consul's anonymous token, never more than key rules (issue 14, item 14). */
class AnonymousPolicyCliTest {
  private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    servers.forEach(ServerProcess::close);
  }

  @Test
  void policyGrantingMoreThanKeyRulesIsRefusedAtStart(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute("server", "--data-dir", dir.toString(), "--port", "0", "--insecure-http",
        "--anonymous-policy", "read config/*", "--anonymous-policy", "read secrets");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("fleetconf: --anonymous-policy: the anonymous policy may hold only"
        + " 'read <key pattern>' and 'write <key pattern>' rules, was [read config/*, read secrets]\n");
  }

  @Test
  void serverStartedWithAPolicyAnswersTokenlessConsulReadsItAllows(@TempDir Path dir) throws Exception {
    ServerProcess server = ServerProcess.start(servers, dir.resolve("data"), dir.resolve("server.log"),
        "--anonymous-policy", "read config/*");
    String token = server.adminToken();
    assertThat(send(server.uri(), "PUT", "/v1/kv/config/a", "x", token).statusCode()).isEqualTo(200);
    assertThat(send(server.uri(), "PUT", "/v1/kv/other/b", "y", token).statusCode()).isEqualTo(200);

    assertThat(send(server.uri(), "GET", "/v1/kv/config/a?raw", null, null).body()).isEqualTo("x");
    HttpResponse<String> refused = send(server.uri(), "GET", "/v1/kv/other/b?raw", null, null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("\"an anonymous caller may not read other/b; send a token in X-Consul-Token\"");
  }

  private HttpResponse<String> send(URI base, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Consul-Token", token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
