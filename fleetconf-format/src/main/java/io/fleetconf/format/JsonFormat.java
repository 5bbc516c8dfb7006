package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.function.UnaryOperator;

/** Pretty-printed JSON; parsing rejects duplicate keys and anything after the value. */
final class JsonFormat {
  private static final ObjectMapper MAPPER = new ObjectMapper(
      Json.deep(new com.fasterxml.jackson.core.JsonFactoryBuilder()).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectWriter WRITER = MAPPER.writer(prettyPrinter());

  private JsonFormat() {}

  static String render(JsonNode tree) {
    try {
      return WRITER.writeValueAsString(forOutput(tree)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static JsonNode parse(String text) {
    return JacksonReader.readSingle(MAPPER, text, "JSON", UnaryOperator.identity())
        .orElseThrow(() -> new DocumentException("malformed JSON: the document is empty"));
  }

  /**
   * Copies a tree for output: a binary value (bytes written through the Consul API) as its base64
   * text. {@code null}s stay: in an effective config they are values (a replacing entry's, such as
   * an imported Ansible {@code null}); tombstones never reach it.
   */
  static JsonNode forOutput(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      object.properties().forEach(member -> copy.set(member.getKey(), forOutput(member.getValue())));
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(array.size());
      array.forEach(element -> copy.add(forOutput(element)));
      return copy;
    }
    return node.isBinary() ? TextNode.valueOf(node.asText()) : node;
  }

  // Two-space indent everywhere, "key": value, arrays one element per line, {} and [] when empty.
  private static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(separators)
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }
}
