package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.ValueLimits;
import java.io.IOException;
import java.util.Optional;

/**
 * Builds a tree from a parser as it was written: every number keeps its text
 * ({@link LiteralNumber}). A YAML number whose text JSON cannot write as it is ({@code 010},
 * {@code 0x1F}, {@code 1_000}, {@code +1}, {@code .5}, {@code .inf}) becomes a string with that
 * text, so that its text survives in every format.
 */
final class TreeReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final JsonParser parser;
  private final int maxDepth;
  private final String formatName;

  private TreeReader(JsonParser parser, int maxDepth, String formatName) {
    this.parser = parser;
    this.maxDepth = maxDepth;
    this.formatName = formatName;
  }

  /** The next value of {@code parser}, or empty at the end of its input. */
  static Optional<JsonNode> read(JsonParser parser, int maxDepth, String formatName) throws IOException {
    if (parser.nextToken() == null) {
      return Optional.empty();
    }
    return Optional.of(new TreeReader(parser, maxDepth, formatName).value(0));
  }

  private JsonNode value(int depth) throws IOException {
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> object(enter(depth));
      case START_ARRAY -> array(enter(depth));
      case VALUE_STRING -> TextNode.valueOf(parser.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser.getText());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.getInstance();
      case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject() instanceof byte[] bytes
          ? BinaryNode.valueOf(bytes) : TextNode.valueOf(parser.getText());
      default -> throw new IllegalStateException("unexpected token " + token);
    };
  }

  private int enter(int depth) {
    if (depth + 1 > maxDepth) {
      throw new DocumentException("the " + formatName + " document is nested deeper than " + maxDepth
          + " levels; " + ValueLimits.RULE);
    }
    return depth + 1;
  }

  private ObjectNode object(int depth) throws IOException {
    ObjectNode object = NODES.objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      object.set(name, value(depth));
    }
    return object;
  }

  private ArrayNode array(int depth) throws IOException {
    ArrayNode array = NODES.arrayNode();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      array.add(value(depth));
    }
    return array;
  }

  private static JsonNode number(String text) {
    return LiteralNumber.isJsonNumber(text) ? LiteralNumber.of(text) : TextNode.valueOf(text);
  }
}
