package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML as Ansible reads it: YAML 1.1 ({@code yes}/{@code no}/{@code on}/{@code off} are booleans,
 * {@code 1.10} a float, {@code ~} null), {@code !unsafe} strings and {@code !vault} values handed to
 * a {@link Decryptor}. SnakeYAML's resolver is YAML 1.1, as PyYAML's is.
 */
final class AnsibleYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(false);

  private AnsibleYaml() {}

  /** The document in {@code text} as JSON nodes; an empty document is null (Java null). */
  static JsonNode load(String text, Path file, Decryptor decryptor) {
    if (text.startsWith("$ANSIBLE_VAULT;")) {
      text = decryptor.decrypt(text, file);
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true);
    options.setCodePointLimit(Integer.MAX_VALUE);
    Yaml yaml = new Yaml(new Constructor(options, file, decryptor));
    try {
      return toNode(yaml.load(text), file);
    } catch (YAMLException e) {
      throw new AnsibleException(file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static JsonNode toNode(Object value, Path file) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (value instanceof List<?> list) {
      ArrayNode array = NODES.arrayNode();
      list.forEach(item -> array.add(toNode(item, file)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(keyText(k), toNode(v, file)));
      return object;
    }
    throw new AnsibleException(file + " holds a value Ansible variables cannot carry: " + value.getClass().getSimpleName());
  }

  private static String keyText(Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean b) {
      return b ? "true" : "false";
    }
    return key.toString();
  }

  /** Safe constructor plus Ansible's tags; timestamps stay the text they were written as. */
  private static final class Constructor extends SafeConstructor {
    Constructor(LoaderOptions options, Path file, Decryptor decryptor) {
      super(options);
      this.yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          return ((ScalarNode) node).getValue();
        }
      });
      this.yamlConstructors.put(new Tag("!unsafe"), new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          return constructScalar((ScalarNode) node);
        }
      });
      this.yamlConstructors.put(new Tag("!vault"), new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          return decryptor.decrypt(constructScalar((ScalarNode) node), file);
        }
      });
    }
  }
}
