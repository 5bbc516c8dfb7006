package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.TSFBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compact JSON for values kept or passed on as they are (the store's columns, Consul's bytes, the
 * client's config). Reading keeps every number's text ({@link LiteralNumber}); reading and writing
 * accept trees much deeper than {@link io.fleetconf.core.ValueLimits#MAX_DEPTH}, so that a value
 * stored before that limit existed can still be read and shown.
 */
public final class Json {
  /** How deep a stored or answered tree may be: old stores may hold values up to 1000 deep. */
  static final int MAX_STORED_DEPTH = 4000;
  private static final ObjectMapper MAPPER = new ObjectMapper(deep(new com.fasterxml.jackson.core.JsonFactoryBuilder()).build());

  private Json() {}

  /** Reads one JSON value, numbers as they were written. */
  public static JsonNode read(String text) {
    return read(text, MAX_STORED_DEPTH);
  }

  /** Reads one JSON value nested at most {@code maxDepth} levels, numbers as they were written. */
  public static JsonNode read(String text, int maxDepth) {
    try (JsonParser parser = MAPPER.createParser(text)) {
      JsonNode value = TreeReader.read(parser, maxDepth, "JSON")
          .orElseThrow(() -> new DocumentException("malformed JSON: the document is empty"));
      if (parser.nextToken() != null) {
        throw new DocumentException("malformed JSON: unexpected content after the value");
      }
      return value;
    } catch (IOException e) {
      throw new DocumentException("malformed JSON: " + JacksonReader.clean(e.getMessage()));
    }
  }

  /** The compact JSON text of {@code value}. */
  public static String write(JsonNode value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException("a JSON tree always serializes", e);
    }
  }

  /** A mapper (for tree output) whose limits let any stored tree through. */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /**
   * Raises a factory's nesting limits so that any tree fleetconf stored reads and writes, and has its
   * parsers and generators share one pool of buffers: Jackson's default keeps them per thread, and
   * the server answers each request on a new virtual thread, so every request allocated its own.
   */
  static <F extends JsonFactory, B extends TSFBuilder<F, B>> B deep(B builder) {
    return builder
        .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_STORED_DEPTH).build())
        .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_STORED_DEPTH).build());
  }
}
