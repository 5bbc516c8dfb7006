package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

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
    Yaml yaml = new Yaml(new Constructor(options, file, decryptor), new Representer(new DumperOptions()),
        new DumperOptions(), options, new PyYamlResolver());
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

  /** PyYAML's float: a dot is needed and an exponent has a sign ({@code 1e3} is a string, {@code 1.0e+3} a float). */
  private static final class PyYamlResolver extends Resolver {
    private static final Pattern FLOAT = Pattern.compile("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
        + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
        + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
      addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789");
    }
  }

  private static final Pattern DATE_TIME = Pattern.compile("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \\t]+)"
      + "([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]*))?(?:[ \\t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?");

  /** A timestamp as Python's {@code isoformat()} writes the datetime PyYAML makes of it (Ansible's JSON). */
  static String isoformat(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      return text;
    }
    StringBuilder out = new StringBuilder(String.format("%s-%02d-%02dT%02d:%s:%s", m.group(1),
        Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), m.group(5), m.group(6)));
    String fraction = m.group(7) == null ? "" : (m.group(7) + "000000").substring(0, 6);
    if (!fraction.isEmpty() && !fraction.equals("000000")) {
      out.append('.').append(fraction);
    }
    String zone = m.group(8);
    if (zone != null) {
      if (zone.equals("Z")) {
        out.append("+00:00");
      } else {
        String digits = zone.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.length() > 2 ? digits.substring(0, digits.length() - 2) : digits);
        String minutes = digits.length() > 2 ? digits.substring(digits.length() - 2) : "00";
        out.append(zone.charAt(0)).append(String.format("%02d:%s", hours, minutes));
      }
    }
    return out.toString();
  }

  /** Safe constructor plus Ansible's tags; a timestamp becomes the text Ansible's JSON shows for it. */
  private static final class Constructor extends SafeConstructor {
    Constructor(LoaderOptions options, Path file, Decryptor decryptor) {
      super(options);
      this.yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          return isoformat(((ScalarNode) node).getValue());
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
