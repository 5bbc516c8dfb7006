package io.fleetconf.core.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.regex.Pattern;

/** YAML in block style; strings are quoted only where a reader would otherwise take them as something else. */
final class YamlFormat {
  /**
   * Plain scalars that YAML 1.1 readers (PyYAML, the services' usual reader) take for numbers or
   * dates: sexagesimal {@code 20:00}, {@code 1_000}, {@code 0x1f}, {@code 2024-01-01}, {@code .inf}.
   */
  private static final Pattern YAML11_NON_STRING = Pattern.compile(
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
          + "|[-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
          + "|[-+]?\\.[0-9_]+([eE][-+]?[0-9]+)?"
          + "|[-+]?0[xXoObB][0-9a-fA-F_]+"
          + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|~|=|<<"
          + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?");

  private static final StringQuotingChecker QUOTING = new StringQuotingChecker.Default() {
    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || YAML11_NON_STRING.matcher(value).matches();
    }
  };

  private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder().stringQuotingChecker(QUOTING).build())
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private YamlFormat() {}

  static String render(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new DocumentException("cannot render YAML: " + e.getOriginalMessage());
    }
  }

  static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage().lines().findFirst().orElse("");
      throw new DocumentException("malformed YAML" + JsonFormat.where(e.getLocation()) + ": " + message);
    }
  }
}
