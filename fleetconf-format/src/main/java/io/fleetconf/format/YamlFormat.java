package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.StringWriter;

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
    StringWriter out = new StringWriter();
    try (YAMLGenerator yaml = (YAMLGenerator) MAPPER.createGenerator(out)) {
      MAPPER.writeValue(new EscapingBreaks(yaml), JsonFormat.forOutput(tree));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes as YAML", e);
    }
    return out.toString();
  }

  /**
   * Whether a string must be double-quoted to read back as written: it holds a line break other
   * than {@code \n} (CR, NEL U+0085, LS U+2028, PS U+2029), which a plain, single-quoted or block
   * scalar turns into {@code \n} or a space; a BOM; or a character YAML does not allow raw.
   */
  static boolean needsEscapes(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f);
      if (control || c == '\u2028' || c == '\u2029' || c == '\uFEFF' || c >= '\uFFFE') {
        return true;
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return true;
        }
        i++;
      }
    }
    return false;
  }

  // Jackson writes a multi-line string as a literal block whatever the quoting checker says;
  // writing without MINIMIZE_QUOTES gives double quotes, where the emitter escapes such characters.
  private static final class EscapingBreaks extends JsonGeneratorDelegate {
    private final YAMLGenerator yaml;

    EscapingBreaks(YAMLGenerator yaml) {
      super(yaml, false);
      this.yaml = yaml;
    }

    @Override
    public void writeString(String text) throws IOException {
      if (text == null || !needsEscapes(text)) {
        yaml.writeString(text);
        return;
      }
      yaml.disable(YAMLGenerator.Feature.MINIMIZE_QUOTES);
      try {
        yaml.writeString(text);
      } finally {
        yaml.enable(YAMLGenerator.Feature.MINIMIZE_QUOTES);
      }
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
   * before one; and {@code =} and {@code <<}. The default already quotes true/yes/on/null and their kin.
   */
  private static final class NumberLikeQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || looksNumeric(value) || typedKey(value);
    }

    @Override
    public boolean needToQuoteName(String name) {
      return super.needToQuoteName(name) || needsEscapes(name) || typedKey(name);
    }

    /** YAML 1.1's value key {@code =} and merge key {@code <<}, which a plain scalar spelled so is taken for. */
    private static boolean typedKey(String text) {
      return text.equals("=") || text.equals("<<");
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
