package io.fleetconf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The bench's writes to the server, over HTTP as any admin would: each returns the revision it made.
 * Each call takes a keep-alive connection of a pool ({@link RawHttp}, a blocking socket: the calling
 * thread is woken by the kernel when the answer arrives), so that a write's measured round trip is
 * the server's, not the JDK client's hand-overs between its selector thread and the caller, which
 * wait for the CPU as long as the server is busy (the writer runs in the server's JVM). Safe for
 * concurrent calls (device registration makes them): one connection per call in flight.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The server closes a connection idle for 60 s; one idle for this long is not reused. */
  private static final long REUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
  private final java.util.concurrent.ConcurrentLinkedDeque<Idle> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final URI base;
  private final String token;

  AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  long post(String path, String json) {
    return revisionOf(call("POST", path, json));
  }

  long put(String path, String json) {
    return revisionOf(call("PUT", path, json));
  }

  long delete(String path) {
    return revisionOf(call("DELETE", path, ""));
  }

  /** The server's current revision, from the health endpoint. */
  long revision() {
    return io.fleetconf.api.Health.from(call("GET", io.fleetconf.api.Paths.HEALTH, "")).revision();
  }

  private JsonNode call(String method, String path, String json) {
    RawHttp connection = null;
    for (Idle next; connection == null && (next = idle.pollFirst()) != null; ) {
      if (System.nanoTime() - next.since() < REUSE_NANOS) {
        connection = next.connection();
      } else {
        next.connection().close();
      }
    }
    if (connection == null) {
      connection = new RawHttp(base, token);
    }
    try {
      int status = connection.send(method, path, json.isEmpty() ? null : json.getBytes(StandardCharsets.UTF_8));
      String body = connection.body();
      idle.addFirst(new Idle(connection, System.nanoTime()));
      if (status / 100 != 2) {
        throw new BenchException(method + " " + path + " answered " + status + ": " + body);
      }
      return JSON.readTree(body);
    } catch (IOException e) { // RawHttp closed the connection
      throw new BenchException(method + " " + path + " failed: " + e, e);
    }
  }

  private record Idle(RawHttp connection, long since) {}

  private static long revisionOf(JsonNode body) {
    JsonNode revision = body.get("revision");
    if (revision == null || !revision.canConvertToLong()) {
      throw new BenchException("the server's answer has no revision: " + body);
    }
    return revision.asLong();
  }
}
