package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;

/**
 * Block-style YAML with as few quotes as keep every string a string; parsing rejects duplicate
 * keys, aliases and further documents.
 */
final class YamlFormat {
  private static final ObjectMapper MAPPER = new ObjectMapper(Json.deep(YAMLFactory.builder())
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .stringQuotingChecker(new NumberLikeQuoting())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  private YamlFormat() {}

  static String render(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(JsonFormat.forOutput(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes as YAML", e);
    }
  }

  static JsonNode parse(String text) {
    return JacksonReader.readSingle(MAPPER, text, "YAML", YamlFormat::refusingAliases)
        .orElseGet(JsonNodeFactory.instance::objectNode);
  }

  // Jackson reads an alias (*name) as the string "name", silently; refuse it instead.
  private static JsonParser refusingAliases(JsonParser parser) {
    if (!(parser instanceof YAMLParser yaml)) {
      return parser;
    }
    return new JsonParserDelegate(yaml) {
      @Override
      public JsonToken nextToken() throws IOException {
        JsonToken token = super.nextToken();
        if (yaml.isCurrentAlias()) {
          throw new JsonParseException(
              yaml, "aliases are not supported (found *" + yaml.getText() + ")");
        }
        return token;
      }
    };
  }

  /**
   * Also quotes strings that a YAML 1.1 reader could take for a number, date or time (1.0, 0123,
   * 0x1F, 1_000, .inf, 2024-01-01, 12:30): anything starting with a digit or a dot, or with a sign
   * before one. The default already quotes true/yes/on/null and their kin.
   */
  private static final class NumberLikeQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || looksNumeric(value);
    }

    private static boolean looksNumeric(String value) {
      if (value.isEmpty()) {
        return false;
      }
      int start = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
      if (start >= value.length()) {
        return false;
      }
      char first = value.charAt(start);
      return (first >= '0' && first <= '9') || first == '.';
    }
  }
}
