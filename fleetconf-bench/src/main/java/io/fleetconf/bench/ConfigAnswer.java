package io.fleetconf.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What a device checks in a config answer ({@link io.fleetconf.api.ConfigAnswer}): its {@code
 * revision}, and the value at one path under {@code config}. Read with Jackson's streaming parser,
 * by the contract's field names, passing over everything else, since every device reads an answer
 * per change and a tree of the whole config would cost far more.
 *
 * @param revision the body's {@code revision}; -1 if it has none
 * @param value the value at the path as text, as {@code JsonNode.asText} would give it; {@link #MISSING} if absent
 */
record ConfigAnswer(long revision, String value) {
  static final String MISSING = "(missing)";
  private static final JsonFactory JSON = new JsonFactory();

  /** Reads {@code body[0..length)}, a JSON object; {@code path} names the field under {@code config}. */
  static ConfigAnswer parse(byte[] body, int length, String[] path) throws IOException {
    long revision = -1;
    String value = MISSING;
    try (JsonParser parser = JSON.createParser(body, 0, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "a config answer that is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        if (name.equals(io.fleetconf.api.ConfigAnswer.REVISION) && token == JsonToken.VALUE_NUMBER_INT) {
          revision = parser.getLongValue();
        } else if (name.equals(io.fleetconf.api.ConfigAnswer.CONFIG)) {
          value = at(parser, path, 0);
        } else {
          parser.skipChildren();
        }
      }
    }
    return new ConfigAnswer(revision, value);
  }

  /** The value at {@code path[depth..]} inside the one the parser is on, which it reads to its end. */
  private static String at(JsonParser parser, String[] path, int depth) throws IOException {
    JsonToken token = parser.currentToken();
    if (depth == path.length) {
      String text = token.isScalarValue() ? parser.getText() : "";
      parser.skipChildren();
      return text;
    }
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return MISSING;
    }
    String found = MISSING;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals(path[depth])) {
        found = at(parser, path, depth + 1);
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }
}
