package io.fleetconf.ansible;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * An Ansible YAML vars document read as Ansible reads it, with its vault-encrypted values decrypted
 * and marked, so that the import stores them as secrets.
 *
 * <p>Two shapes of vault are read: a scalar tagged {@code !vault |} (what {@code ansible-vault
 * encrypt_string} writes) becomes the decrypted string, and a whole file encrypted by {@code
 * ansible-vault encrypt} is decrypted and then read, every one of its scalars counting as vaulted.
 * {@link #vaulted()} holds the JSON Pointers of the vaulted values ({@code /db/password}).
 *
 * <p>Scalars are typed by PyYAML's YAML 1.1 rules, which differ from SnakeYAML's in places ({@code
 * yes}/{@code on} are booleans, {@code 1.10} a float, {@code 0777} octal, {@code 1e3} a string);
 * a timestamp becomes the text Ansible's JSON shows for it (Python's {@code isoformat()}); {@code !unsafe} values are strings; anchors,
 * aliases and {@code <<} merge keys work; a repeated key keeps its last value. Without a password, a
 * document holding any vaulted value is refused with its location.
 *
 * @param tree the document (an empty object for an empty document)
 * @param vaulted where the values that were vault-encrypted are in {@code tree}
 */
public record VaultedYaml(JsonNode tree, Set<JsonPointer> vaulted) {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(false);
  private static final Tag VAULT = new Tag("!vault");
  private static final Tag UNSAFE = new Tag("!unsafe");

  public VaultedYaml {
    vaulted = Collections.unmodifiableSet(new LinkedHashSet<>(vaulted));
  }

  /** Reads the document, decrypting its vaulted values with the password. */
  public static VaultedYaml read(String text, byte[] password, String where) {
    return readDocument(text, password.clone(), where);
  }

  /** Reads a document that must hold no vaulted value: one is refused, naming where it is. */
  public static VaultedYaml read(String text, String where) {
    return readDocument(text, null, where);
  }

  private static VaultedYaml readDocument(String text, byte[] password, String where) {
    try {
      if (Vault.isEncrypted(text)) {
        byte[] plain = Vault.decrypt(text, requirePassword(password, where, "the whole file"), where);
        VaultedYaml inner = readDocument(new String(plain, StandardCharsets.UTF_8), password, where);
        Set<JsonPointer> all = new LinkedHashSet<>();
        collectScalars(inner.tree(), JsonPointer.empty(), all);
        return new VaultedYaml(inner.tree(), all);
      }
      Node root;
      try {
        root = yaml().compose(new StringReader(text));
      } catch (MarkedYAMLException e) {
        // The parser's own message may quote the line, which can be a decrypted secret.
        Mark mark = e.getProblemMark();
        throw new VaultException(where + ": not valid YAML"
            + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)));
      } catch (YAMLException e) {
        throw new VaultException(where + ": not valid YAML");
      }
      Set<JsonPointer> vaulted = new LinkedHashSet<>();
      if (root == null) {
        return new VaultedYaml(NODES.objectNode(), vaulted);
      }
      return new VaultedYaml(new Reader(password, where, vaulted).value(root, JsonPointer.empty()), vaulted);
    } finally {
      if (password != null) {
        Arrays.fill(password, (byte) 0);
      }
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true);
    options.setCodePointLimit(Integer.MAX_VALUE);
    options.setMaxAliasesForCollections(Integer.MAX_VALUE);
    return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
        options, new PyYamlResolver());
  }

  private static byte[] requirePassword(byte[] password, String where, String what) {
    if (password == null) {
      throw new VaultException(where + ": " + what + " is vault-encrypted and no vault password was given");
    }
    return password;
  }

  private static void collectScalars(JsonNode node, JsonPointer at, Set<JsonPointer> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> collectScalars(e.getValue(), at.appendProperty(e.getKey()), into));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectScalars(node.get(i), at.appendIndex(i), into);
      }
    } else {
      into.add(at);
    }
  }

  /** Composed YAML nodes to JSON, by PyYAML's construction rules. */
  private record Reader(byte[] password, String where, Set<JsonPointer> vaulted) {
    JsonNode value(Node node, JsonPointer at) {
      if (node.getTag().equals(VAULT)) {
        String place = where + " (" + (at.toString().isEmpty() ? "document" : at.toString()) + ")";
        if (!(node instanceof ScalarNode scalar)) {
          throw new VaultException(place + ": malformed vault value: !vault must tag a string");
        }
        byte[] plain = Vault.decrypt(scalar.getValue(), requirePassword(password, place, "a !vault value"), place);
        vaulted.add(at);
        return NODES.textNode(new String(plain, StandardCharsets.UTF_8));
      }
      if (node instanceof MappingNode mapping) {
        ObjectNode object = NODES.objectNode();
        merge(mapping, object, at);
        return object;
      }
      if (node instanceof SequenceNode sequence) {
        ArrayNode array = NODES.arrayNode();
        for (Node item : sequence.getValue()) {
          array.add(value(item, at.appendIndex(array.size())));
        }
        return array;
      }
      return scalar((ScalarNode) node);
    }

    // << merges first (in order, earlier wins), then the mapping's own keys (last wins), as PyYAML.
    private void merge(MappingNode mapping, ObjectNode into, JsonPointer at) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
          Node source = tuple.getValueNode();
          List<Node> sources = source instanceof SequenceNode list ? list.getValue() : List.of(source);
          ObjectNode merged = NODES.objectNode();
          for (Node one : sources.reversed()) {
            if (!(one instanceof MappingNode m)) {
              throw new VaultException(where + " (" + at + "): a << merge key takes a mapping or a list of mappings");
            }
            merge(m, merged, at);
          }
          into.setAll(merged);
        }
      }
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
          continue;
        }
        String key = keyText(tuple.getKeyNode(), at);
        into.set(key, value(tuple.getValueNode(), at.appendProperty(key)));
      }
    }

    private String keyText(Node key, JsonPointer at) {
      if (!(key instanceof ScalarNode scalar)) {
        throw new VaultException(where + " (" + at + "): a mapping key must be a scalar");
      }
      JsonNode typed = scalar(scalar);
      return typed.isNull() ? "null" : typed.asText();
    }

    private JsonNode scalar(ScalarNode node) {
      String text = node.getValue();
      Tag tag = node.getTag();
      if (tag.equals(Tag.NULL)) {
        return NODES.nullNode();
      }
      if (tag.equals(Tag.BOOL)) {
        String lower = text.toLowerCase(Locale.ROOT);
        return NODES.booleanNode(lower.equals("yes") || lower.equals("true") || lower.equals("on"));
      }
      if (tag.equals(Tag.INT)) {
        return integer(text);
      }
      if (tag.equals(Tag.FLOAT)) {
        return NODES.numberNode(floating(text));
      }
      if (tag.equals(Tag.TIMESTAMP)) {
        return NODES.textNode(isoformat(text));
      }
      if (tag.equals(Tag.STR) || tag.equals(UNSAFE)) {
        return NODES.textNode(text);
      }
      throw new VaultException(where + ": the YAML tag " + tag + " is not one Ansible reads");
    }
  }

  private static final Pattern DATE_TIME = Pattern.compile("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \\t]+)"
      + "([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]*))?(?:[ \\t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?");

  /** A timestamp as Python's {@code isoformat()} writes the datetime PyYAML makes of it (Ansible's JSON); a date stays. */
  static String isoformat(String text) {
    java.util.regex.Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      return text;
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s-%02d-%02dT%02d:%s:%s", m.group(1),
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
        out.append(zone.charAt(0)).append(String.format(Locale.ROOT, "%02d:%s", hours, minutes));
      }
    }
    return out.toString();
  }

  // PyYAML's construct_yaml_int.
  private static JsonNode integer(String written) {
    String text = written.replace("_", "");
    int sign = 1;
    if (text.startsWith("-") || text.startsWith("+")) {
      sign = text.startsWith("-") ? -1 : 1;
      text = text.substring(1);
    }
    BigInteger value;
    if (text.equals("0")) {
      value = BigInteger.ZERO;
    } else if (text.startsWith("0b")) {
      value = new BigInteger(text.substring(2), 2);
    } else if (text.startsWith("0x")) {
      value = new BigInteger(text.substring(2), 16);
    } else if (text.startsWith("0")) {
      value = new BigInteger(text.substring(1), 8);
    } else if (text.contains(":")) {
      value = BigInteger.ZERO;
      for (String digit : text.split(":")) {
        value = value.multiply(BigInteger.valueOf(60)).add(new BigInteger(digit));
      }
    } else {
      value = new BigInteger(text);
    }
    value = sign < 0 ? value.negate() : value;
    if (value.bitLength() < 32) {
      return NODES.numberNode(value.intValue());
    }
    return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
  }

  // PyYAML's construct_yaml_float.
  private static double floating(String written) {
    String text = written.replace("_", "").toLowerCase(Locale.ROOT);
    double sign = 1;
    if (text.startsWith("-") || text.startsWith("+")) {
      sign = text.startsWith("-") ? -1 : 1;
      text = text.substring(1);
    }
    if (text.equals(".inf")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (text.equals(".nan")) {
      return Double.NaN;
    }
    if (text.contains(":")) {
      double value = 0;
      for (String digit : text.split(":")) {
        value = value * 60 + Double.parseDouble(digit);
      }
      return sign * value;
    }
    return sign * Double.parseDouble(text);
  }

  /** PyYAML's implicit resolvers (YAML 1.1), not SnakeYAML's: {@code 1e3} stays a string. */
  private static final class PyYamlResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, Pattern.compile(
          "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"), "yYnNtTfFoO");
      addImplicitResolver(Tag.FLOAT, Pattern.compile("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
          + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
          + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
          + "|[-+]?\\.(?:inf|Inf|INF)"
          + "|\\.(?:nan|NaN|NAN))$"), "-+0123456789.");
      addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?0b[0-1_]+"
          + "|[-+]?0[0-7_]+"
          + "|[-+]?(?:0|[1-9][0-9_]*)"
          + "|[-+]?0x[0-9a-fA-F_]+"
          + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"), "-+0123456789");
      addImplicitResolver(Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
      addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL|)$"), "~nN\0");
      addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
      addImplicitResolver(Tag.TIMESTAMP, Pattern.compile("^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
          + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
          + "(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
          + "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"), "0123456789");
    }
  }
}
