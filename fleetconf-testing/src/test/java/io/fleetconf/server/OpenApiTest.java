package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml is what the server serves, and it describes exactly the routes the router
 * registers, so that the document and the code cannot drift apart unnoticed.
 */
class OpenApiTest {
  /** Under Maven the working directory is the module's; the document lives in the build's docs/. */
  private static final Path DOCUMENT = Path.of("").toAbsolutePath().resolve("../docs/openapi.yaml").normalize();

  /**
   * Every route of NativeApi, EntriesApi, DevicesApi, FleetStatusApi, HistoryApi, SecurityApi, GitApi, RolloutsApi and
   * the console's session routes (not its page, script and style). Prefix routes
   * ({@code under}) appear as the path templates their tails are parsed into.
   */
  private static final Set<String> ROUTES = Set.of(
      "GET /api/v1/health",
      "GET /api/v1/openapi.yaml",
      "GET /livez",
      "GET /readyz",
      "GET /metrics",
      "GET /api/v1/logging",
      "PUT /api/v1/logging",
      "GET /api/v1/entries",
      "GET /api/v1/entries/{key}",
      "PUT /api/v1/entries/{key}",
      "DELETE /api/v1/entries/{key}",
      "POST /api/v1/changes",
      "GET /api/v1/devices",
      "POST /api/v1/devices",
      "GET /api/v1/devices/{id}",
      "GET /api/v1/devices/{id}/config",
      "GET /api/v1/devices/{id}/config/{namespace}",
      "PATCH /api/v1/devices/{id}",
      "DELETE /api/v1/devices/{id}",
      "GET /api/v1/history",
      "GET /api/v1/changes",
      "GET /api/v1/changes/{revision}",
      "GET /api/v1/diff",
      "POST /api/v1/rollback",
      "POST /api/v1/restore",
      "POST /api/v1/devices/{id}/reports",
      "POST /api/v1/devices/{id}/versions",
      "GET /api/v1/devices/{id}/reports",
      "GET /api/v1/fleet/status",
      "GET /api/v1/git/sources",
      "GET /api/v1/rollouts",
      "GET /api/v1/rollouts/{id}",
      "POST /api/v1/rollouts/{id}/{action}",
      "POST /api/v1/git/sources/{source}/webhook",
      "GET /api/v1/seal/key",
      "POST /api/v1/devices/{id}/certificate",
      "GET /api/v1/whoami",
      "GET /api/v1/tokens",
      "POST /api/v1/tokens",
      "DELETE /api/v1/tokens/{id}",
      "POST /api/v1/enrol",
      "GET /api/v1/certificates",
      "DELETE /api/v1/certificates/{serial}",
      "POST /console/session",
      "GET /console/session",
      "DELETE /console/session",
      "GET /console/events");

  /** The routes that need no credentials (enrolment carries its one-time token in the body). */
  private static final Set<String> OPEN = Set.of("GET /api/v1/health", "GET /api/v1/openapi.yaml", "GET /livez",
      "GET /readyz", "POST /api/v1/enrol", "POST /console/session", "GET /console/session",
      "POST /api/v1/git/sources/{source}/webhook"); // a webhook is signed with its source's secret instead

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  @TempDir Path dir;

  @Test
  void servedDocumentIsTheOneInDocs() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/api/v1/openapi.yaml")).GET().build();
      HttpResponse<byte[]> reply = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/yaml");
      assertThat(reply.body()).isEqualTo(Files.readAllBytes(DOCUMENT));
    }
  }

  @Test
  void everyRouteIsDocumentedAndNothingElse() throws IOException {
    JsonNode paths = document().get("paths");
    assertThat(operations(paths).keySet()).containsExactlyInAnyOrderElementsOf(ROUTES);
    Set<String> routePaths = new TreeSet<>();
    ROUTES.forEach(route -> routePaths.add(route.substring(route.indexOf(' ') + 1)));
    assertThat(paths.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(routePaths);
  }

  @Test
  void everyOperationHasAnIdASummaryAndItsErrors() throws IOException {
    JsonNode document = document();
    assertThat(document.at("/security/0").has("bearer")).as("bearer applies globally").isTrue();
    Set<String> ids = new HashSet<>();
    operations(document.get("paths")).forEach((route, operation) -> {
      assertThat(operation.path("operationId").asText()).as(route + " operationId").isNotBlank();
      assertThat(ids.add(operation.get("operationId").asText())).as(route + " has a unique operationId").isTrue();
      assertThat(operation.path("summary").asText()).as(route + " summary").isNotBlank();
      List<String> statuses = new ArrayList<>();
      operation.path("responses").fieldNames().forEachRemaining(statuses::add);
      if (OPEN.contains(route)) {
        assertThat(operation.get("security")).as(route + " is open").isNotNull().isEmpty();
      } else {
        assertThat(operation.has("security")).as(route + " keeps the global bearer requirement").isFalse();
        assertThat(statuses).as(route + " documents its 4xx answers").anyMatch(status -> status.startsWith("4"));
      }
    });
  }

  @Test
  void everyReferenceResolves() throws IOException {
    JsonNode document = document();
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    assertThat(refs).allSatisfy(ref -> {
      assertThat(ref).startsWith("#/");
      assertThat(document.at(JsonPointer.compile(ref.substring(1))).isMissingNode()).as(ref).isFalse();
    });
  }

  private static JsonNode document() throws IOException {
    return new YAMLMapper().readTree(DOCUMENT.toFile());
  }

  /** Operations by "METHOD /path". */
  private static Map<String, JsonNode> operations(JsonNode paths) {
    Map<String, JsonNode> out = new TreeMap<>();
    paths.properties().forEach(path -> path.getValue().properties().forEach(member -> {
      if (METHODS.contains(member.getKey())) {
        out.put(member.getKey().toUpperCase() + " " + path.getKey(), member.getValue());
      }
    }));
    return out;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.properties().forEach(member -> {
        if (member.getKey().equals("$ref") && member.getValue().isTextual()) {
          refs.add(member.getValue().asText());
        } else {
          collectRefs(member.getValue(), refs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }
}
