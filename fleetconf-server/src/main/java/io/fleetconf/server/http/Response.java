package io.fleetconf.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetconf.core.Revision;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a handler answers: status, media type, body (or a stream that writes it as it goes), the
 * store revision it reflects, and extra headers; or a promise of the response, for a request held
 * until something changes ({@link #later}), which holds no thread while it waits.
 *
 * <p>The body is a list of parts sent one after the other, never copied together: a part may be
 * shared, unchanged, by the answers of thousands of devices (see {@link #json(int, byte[], byte[])}).
 * Parts are never modified once given.
 */
public record Response(
    int status, String mediaType, List<byte[]> parts, Optional<Revision> revision, Map<String, String> headers,
    Optional<Streamer> streamer, Optional<CompletableFuture<Response>> later) {

  /** Writes a streamed body until it is done or the client goes away (an IOException). */
  @FunctionalInterface
  public interface Streamer {
    void stream(java.io.OutputStream out) throws java.io.IOException;
  }

  // Deep enough for any value a store holds (io.fleetconf.format.Json).
  private static final ObjectMapper JSON = io.fleetconf.format.Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static Response json(int status, JsonNode body) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(body);
      return bytes(status, "application/json", appendNewline(bytes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a response", e);
    }
  }

  /** A JSON body sent as {@code head} then {@code tail}, as they are: {@code tail} may be shared by many answers. */
  public static Response json(int status, byte[] head, byte[] tail) {
    return new Response(status, "application/json", List.of(head, tail), Optional.empty(), Map.of(), Optional.empty(),
        Optional.empty());
  }

  /** {@code body} as it is, in {@code mediaType}. */
  public static Response bytes(int status, String mediaType, byte[] body) {
    return new Response(status, mediaType, List.of(body), Optional.empty(), Map.of(), Optional.empty(), Optional.empty());
  }

  /** {@code body} as {@link #json} writes it, with its final newline. */
  public static byte[] jsonBytes(JsonNode body) throws JsonProcessingException {
    return appendNewline(JSON.writeValueAsBytes(body));
  }

  /** {@code body} as {@link #json} writes it, without the final newline. */
  public static String jsonText(JsonNode body) throws JsonProcessingException {
    return JSON.writeValueAsString(body);
  }

  public static Response ok(JsonNode body) {
    return json(200, body);
  }

  public static Response text(String mediaType, String body) {
    return bytes(200, mediaType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A 200 whose body {@code streamer} writes, chunked, for as long as it runs. */
  public static Response stream(String mediaType, Streamer streamer) {
    return new Response(200, mediaType, List.of(), Optional.empty(), Map.of(), Optional.of(streamer), Optional.empty());
  }

  /**
   * The response {@code answer} completes with, sent when it does; it may complete exceptionally
   * with the exceptions a handler may throw.
   */
  public static Response later(CompletableFuture<Response> answer) {
    return new Response(200, "application/json", List.of(), Optional.empty(), Map.of(), Optional.empty(),
        Optional.of(answer));
  }

  /** The same response, carrying {@code X-Fleetconf-Revision}. */
  public Response at(Revision at) {
    return new Response(status, mediaType, parts, Optional.of(at), headers, streamer, later);
  }

  /** The same response with another status. */
  public Response withStatus(int newStatus) {
    return new Response(newStatus, mediaType, parts, revision, headers, streamer, later);
  }

  /** The same response with one more header. */
  public Response with(String header, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(header, value);
    return new Response(status, mediaType, parts, revision, Map.copyOf(more), streamer, later);
  }

  /** The whole body, its parts copied together. */
  public byte[] body() {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length());
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** The body's length in bytes. */
  public int length() {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    return length;
  }

  private static byte[] appendNewline(byte[] bytes) {
    byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = '\n';
    return out;
  }
}
