package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request gets the right 4xx, the one error shape, a message a person understands, and
 * changes nothing: the revision and the entries stay as they were.
 */
class BadRequestTest {
  @RegisterExtension static final TestServer server = TestServer.fresh();
  static String entriesBefore;

  @BeforeAll
  static void seed() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\"");
    entriesBefore = server.get("/api/v1/entries?recurse=true").body();
  }

  record Bad(String method, String path, String contentType, byte[] body) {
    static Bad of(String method, String path, String body) {
      return new Bad(method, path, "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
  }

  static Stream<Arguments> badRequests() {
    String big = "\"" + "x".repeat(600 * 1024) + "\"";
    return Stream.of(
        bad(Bad.of("PUT", "/api/v1/entries/global/common/x", "{\"a\": "), 400, "invalid_document",
            "malformed JSON at line 1, column 7"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/x", "{\"a\": 1} trailing"), 400, "invalid_document",
            "malformed JSON"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/x", "{\"a\": 1, \"a\": 2}"), 400, "invalid_document",
            "Duplicate field 'a'"),
        bad(new Bad("PUT", "/api/v1/entries/global/common/x", "application/yaml",
            "a: [1, 2\nb: 3\n".getBytes(StandardCharsets.UTF_8)), 400, "invalid_document", "malformed YAML"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/x", big), 413, "too_large",
            "request body is larger than the 524288-byte limit"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/x", ""), 400, "invalid_body",
            "the request body is empty; send a value"),
        bad(new Bad("PUT", "/api/v1/entries/global/common/x", "application/xml", "<a/>".getBytes()), 415,
            "unsupported_media_type", "cannot take a value as 'application/xml'"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/%2e%2e/x", "1"), 400, "invalid_key",
            "key path 'common/../x' must not contain '..' segments"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common//x", "1"), 400, "invalid_key",
            "key path 'common//x' has an empty segment"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/a%0Ab", "1"), 400, "invalid_key",
            "has an illegal character in segment 'a\\u000ab'"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/a%20b", "1"), 400, "invalid_key",
            "has an illegal character in segment 'a b'"),
        bad(Bad.of("PUT", "/api/v1/entries/global/" + "a/".repeat(40) + "x", "1"), 400, "invalid_key",
            "is deeper than 32 segments"),
        bad(Bad.of("PUT", "/api/v1/entries/region/eu/common/x", "1"), 400, "invalid_scope",
            "unknown scope 'region'"),
        bad(Bad.of("PUT", "/api/v1/entries/global", "1"), 400, "invalid_key",
            "key 'global' names a scope but no path in it"),
        bad(Bad.of("PUT", "/api/v1/entries/groups/lisbon", "1"), 400, "invalid_scope",
            "'groups/lisbon' must start with groups/<kind>/<name>"),
        bad(Bad.of("PUT", "/api/v1/entries/devices/vv-404/common/x", "1"), 404, "not_found",
            "device 'vv-404' is not registered; add it before writing to its scope"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/log_level?cas=99", "\"debug\""), 409, "conflict",
            "key 'global/common/log_level' was modified at revision 2, expected 99"),
        bad(Bad.of("PUT", "/api/v1/entries/global/common/log_level?cas=abc", "\"debug\""), 400, "invalid_revision",
            "query parameter 'cas' must be a revision number, was 'abc'"),
        bad(Bad.of("DELETE", "/api/v1/entries/global/common/missing", null), 404, "not_found",
            "key 'global/common/missing' does not exist"),
        bad(Bad.of("GET", "/api/v1/entries/global/common/missing", null), 404, "not_found",
            "key 'global/common/missing' does not exist"),
        bad(Bad.of("POST", "/api/v1/rollback", "{\"revision\": 999}"), 404, "not_found",
            "revision 999 does not exist (the latest is 2)"),
        bad(Bad.of("POST", "/api/v1/rollback", "{\"revision\": \"two\"}"), 400, "invalid_body",
            "field 'revision' must be a revision number"),
        bad(Bad.of("POST", "/api/v1/restore", "{\"prefix\": \"global/common\", \"revision\": 50}"), 404,
            "not_found", "revision 50 does not exist (the latest is 2)"),
        bad(Bad.of("POST", "/api/v1/changes", "{\"operations\": [{\"op\": \"frobnicate\", \"key\": \"global/a/b\"}]}"),
            400, "invalid_body", "operations[0].op must be one of put, delete, delete-tree, create-device, "
                + "update-device, delete-device; was 'frobnicate'"),
        bad(Bad.of("POST", "/api/v1/changes", "{\"operations\": []}"), 400, "empty_change_set",
            "a change set needs at least one operation"),
        bad(Bad.of("POST", "/api/v1/changes", "[1, 2]"), 400, "invalid_body", "the request body must be a JSON object"),
        bad(Bad.of("POST", "/api/v1/changes", "{\"operations\": [{\"op\": \"put\", \"key\": \"global/a/b\", "
            + "\"value\": 1}, {\"op\": \"put\", \"key\": \"global/a/../c\", \"value\": 2}]}"), 400, "invalid_key",
            "must not contain '..' segments"),
        bad(Bad.of("POST", "/api/v1/devices", "{\"id\": \"vv-1\"}"), 409, "conflict", "device 'vv-1' already exists"),
        bad(Bad.of("POST", "/api/v1/devices", "{\"id\": \"../etc\"}"), 400, "invalid_device_id",
            "illegal character in segment '../etc'"),
        bad(Bad.of("POST", "/api/v1/devices", "{\"id\": \"vv-2\", \"groups\": [\"lisbon\"]}"), 400, "invalid_group",
            "group name 'lisbon' must have the form <kind>/<name>, e.g. site/lisbon"),
        bad(Bad.of("POST", "/api/v1/devices", "{\"groups\": []}"), 400, "invalid_body", "field 'id' is required"),
        bad(Bad.of("PATCH", "/api/v1/devices/vv-404", "{\"groups\": []}"), 404, "not_found",
            "device 'vv-404' is not registered"),
        bad(Bad.of("GET", "/api/v1/devices/vv-404/config", null), 404, "not_found",
            "device 'vv-404' is not registered"),
        bad(Bad.of("GET", "/api/v1/devices/vv-1/config?format=xml", null), 400, "invalid_document",
            "unknown format 'xml'; expected one of json, yaml, env, properties"),
        bad(Bad.of("GET", "/api/v1/devices/vv-1/config?format=env&explain=true", null), 400, "invalid_parameter",
            "explain=true needs format=json"),
        bad(Bad.of("GET", "/api/v1/diff?from=1&to=77", null), 404, "not_found",
            "revision 77 does not exist (the latest is 2)"),
        bad(Bad.of("GET", "/api/v1/diff", null), 400, "invalid_parameter", "query parameter 'from' is required"),
        bad(Bad.of("GET", "/api/v1/history?limit=0", null), 400, "invalid_parameter",
            "query parameter 'limit' must be a number from 1 to 1000, was '0'"),
        bad(Bad.of("GET", "/api/v1/changes/12", null), 404, "not_found", "revision 12 does not exist"),
        bad(Bad.of("GET", "/api/v1/devices/vv-1/config/common/deeper", null), 400, "invalid_key",
            "namespace 'common/deeper' must be one segment, e.g. common"),
        bad(Bad.of("GET", "/api/v1/entries", null), 400, "invalid_key",
            "no key given; a key starts with a scope: defaults, global, groups/<kind>/<name>, devices/<id> or plain"),
        bad(Bad.of("GET", "/api/v1/nothing-here", null), 404, "not_found", "no such endpoint: /api/v1/nothing-here"),
        bad(Bad.of("DELETE", "/api/v1/history", null), 405, "method_not_allowed",
            "DELETE is not allowed on /api/v1/history"));
  }

  private static Arguments bad(Bad request, int status, String code, String message) {
    return Arguments.of(request.method() + " " + request.path().substring(0, Math.min(70, request.path().length())),
        request, status, code, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void refusedWithAReasonAndChangesNothing(String name, Bad request, int status, String code, String message) {
    Reply reply = server.send(request.method(), request.path(), request.body(), request.contentType(),
        "Bearer " + server.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.json().fieldNames()).toIterable().containsExactly("error", "message");
    assertThat(reply.json().get("error").asText()).isEqualTo(code);
    assertThat(reply.json().get("message").asText()).contains(message);
    assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(server.revision()).isEqualTo(2);
    assertThat(server.get("/api/v1/entries?recurse=true").body()).isEqualTo(entriesBefore);
  }
}
