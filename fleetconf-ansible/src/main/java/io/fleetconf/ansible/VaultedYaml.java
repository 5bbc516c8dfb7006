package io.fleetconf.ansible;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An Ansible YAML vars document read with its vault-encrypted values decrypted and marked, so that
 * the import stores them as secrets.
 *
 * <p>Two shapes are read: a scalar tagged {@code !vault |} (what {@code ansible-vault encrypt_string}
 * writes) becomes the decrypted string, and a whole file encrypted by {@code ansible-vault encrypt}
 * is decrypted and then read, every one of its scalars counting as vaulted. {@link #vaulted()} holds
 * the JSON Pointers of the vaulted values ({@code /db/password}).
 *
 * <p>Plain scalars get Jackson's YAML types. Aliases are refused. Without a password, a document
 * holding any vaulted value is refused with its location.
 *
 * @param tree the document (an empty object for an empty document)
 * @param vaulted where the values that were vault-encrypted are in {@code tree}
 */
public record VaultedYaml(JsonNode tree, Set<JsonPointer> vaulted) {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

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
      Set<JsonPointer> vaulted = new LinkedHashSet<>();
      try (YAMLParser parser = YAML.createParser(text)) {
        JsonToken first = parser.nextToken();
        if (first == null) {
          return new VaultedYaml(NODES.objectNode(), vaulted);
        }
        JsonNode tree = readValue(parser, password, where, vaulted);
        if (parser.nextToken() != null) {
          throw new VaultException(where + ": more than one YAML document");
        }
        return new VaultedYaml(tree, vaulted);
      } catch (JsonProcessingException e) {
        // The parser's own message may quote the line, which can be a decrypted secret.
        JsonLocation at = e.getLocation();
        throw new VaultException(where + ": not valid YAML"
            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
      } catch (IOException e) {
        throw new UncheckedIOException("reading YAML from a string", e);
      }
    } finally {
      if (password != null) {
        Arrays.fill(password, (byte) 0);
      }
    }
  }

  private static JsonNode readValue(YAMLParser parser, byte[] password, String where, Set<JsonPointer> vaulted)
      throws IOException {
    if (parser.isCurrentAlias()) {
      throw new VaultException(where + ": YAML aliases are not supported (found *" + parser.getText() + ")");
    }
    JsonToken token = parser.currentToken();
    if ("vault".equals(parser.getTypeId())) {
      JsonPointer at = parser.getParsingContext().pathAsPointer();
      String place = where + " (" + (at.toString().isEmpty() ? "document" : at.toString()) + ")";
      if (token != JsonToken.VALUE_STRING) {
        throw new VaultException(place + ": malformed vault value: !vault must tag a string");
      }
      byte[] plain = Vault.decrypt(parser.getText(), requirePassword(password, place, "a !vault value"), place);
      vaulted.add(at);
      return NODES.textNode(new String(plain, StandardCharsets.UTF_8));
    }
    return switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, readValue(parser, password, where, vaulted));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser, password, where, vaulted));
        }
        yield array;
      }
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> NODES.numberNode(parser.getIntValue());
        case LONG -> NODES.numberNode(parser.getLongValue());
        default -> NODES.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new VaultException(where + ": unexpected YAML token " + token);
    };
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
}
