package io.fleetconf.ansible;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.format.Json;
import io.fleetconf.testing.RealAnsible;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the export writes, read back by real {@code ansible-inventory}: every value comes back with
 * its value and type, and {@code !vault} values open with real {@code ansible-vault}.
 */
class VarsYamlTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final byte[] PASSWORD = "s3cret pass".getBytes(UTF_8);

  /** JSON as the server answers it: numbers keep their text (LiteralNumber), as the export receives them. */
  private static final String VALUES = """
      {"string_1_10": "1.10", "float_1_10": 1.10, "float_exp": 1e5, "float_neg": -2.5E-3, "float_big": 1.5e300,
       "yes_string": "yes", "yes_upper": "YES", "on_string": "on", "y_string": "y", "true_bool": true, "false_bool": false,
       "true_string": "true", "null_string": "null", "tilde": "~", "empty": "",
       "big_int": 123456789012345678901234567890, "negative": -42, "zero": 0, "octal_looking": "012",
       "hex_looking": "0x1F", "sexagesimal": "1:30", "exp_string": "1e3", "dot_five": ".5", "inf_string": ".inf",
       "date": "2024-01-31", "timestamp": "2024-01-31T10:00:00", "equals": "=", "merge": "<<",
       "unicode": "café ☕ 日本 🎉", "nbsp": "a\\u00a0b", "nel": "a\\u0085b", "line_sep": "a\\u2028b", "bom": "\\ufeffx",
       "control": "bell\\u0007 del\\u007f", "quotes": "it's \\"quoted\\"", "backslash": "C:\\\\path\\\\x",
       "colon_space": "key: value", "hash": "a #comment", "leading_dash": "- item", "star": "*alias", "amp": "&anchor",
       "bang": "!tag", "percent": "%x", "backtick": "`x`", "at": "@x", "pipe": "|x", "gt": ">x", "brace": "{a}",
       "bracket": "[1]", "comma": "a,b", "padded": "  padded  ", "tab": "a\\tb", "cr": "a\\r\\nb", "path": "/etc/nginx/x.conf",
       "words": "hello big world", "url": "http://x.example:8080/a?b=c#d",
       "multi": "line one\\nline two\\n", "multi_no_end": "a\\n\\nb", "multi_keep": "a\\nb\\n\\n\\n",
       "multi_indented": "  first\\nsecond\\n", "multi_blank_spaces": "a\\n   \\nb\\n", "starts_newline": "\\nx",
       "multi_unicode": "ünï\\n☃ 🎉\\n", "multi_hash": "# not a comment\\nkey: not a map\\n- not a list\\n",
       "list": [1, "two", 3.0, null, true, [], {}, ["nested", ["deeper"]], {"k": "v", "n": {"m": [1]}}],
       "dict": {"a b": 1, "8080": "port", "yes": "key is a string", "": "empty key", "nested": {"x": [{"y": "z"}]}},
       "empty_list": [], "empty_dict": {}}
      """;

  @TempDir Path dir;

  @Test
  void everyValueReadsBackInAnsibleWithItsValueAndType() throws Exception {
    ObjectNode values = (ObjectNode) Json.read(VALUES);
    JsonNode read = ansibleReads(VarsYaml.write(values), false);
    JsonNode expected = PLAIN.readTree(VALUES);
    expected.fieldNames().forEachRemaining(name ->
        assertThat(read.get(name)).as(name).isEqualTo(expected.get(name)));
    assertThat(read.get("float_1_10").doubleValue()).isEqualTo(1.1);
    assertThat(read.get("string_1_10").isTextual()).isTrue();
  }

  @Test
  void multiLineStringsAreLiteralBlocksWhereThatKeepsThemExact() {
    ObjectNode values = (ObjectNode) Json.read(VALUES);
    String yaml = VarsYaml.write(values);
    assertThat(yaml).contains("multi: |\n  line one\n  line two\n", "multi_no_end: |-\n  a\n\n  b\n",
        "multi_keep: |+\n  a\n  b\n\n\n", "multi_indented: \"  first\\nsecond\\n\"\n",
        "string_1_10: \"1.10\"\n", "float_1_10: 1.10\n", "float_exp: 100000.0\n", "yes_string: \"yes\"\n", "words: hello big world\n");
  }

  @Test
  void vaultedStringsOpenWithRealAnsibleVault() throws Exception {
    ObjectNode values = (ObjectNode) Json.read("{\"db_password\": \"p@ss: wörd\\nline 2\", \"user\": \"app\"}");
    String yaml = VarsYaml.write(values, Set.of("db_password"), text -> Vault.encrypt(text.getBytes(UTF_8), PASSWORD, ""));
    assertThat(yaml).startsWith("db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ").endsWith("user: app\n");
    JsonNode read = ansibleReads(yaml, true);
    assertThat(read.get("user").asText()).isEqualTo("app");
    String vaulted = read.get("db_password").get("__ansible_vault").asText();
    Files.writeString(dir.resolve("secret.txt"), vaulted);
    String clear = RealAnsible.run(dir, RealAnsible.command("ansible-vault").toString(), "decrypt",
        "--vault-password-file", "pw", "--output", "-", "secret.txt");
    assertThat(clear).isEqualTo("p@ss: wörd\nline 2");
  }

  /** The variables of host h1 when {@code groupVars} is group_vars/all.yml. */
  private JsonNode ansibleReads(String groupVars, boolean vault) throws Exception {
    Files.writeString(dir.resolve("hosts"), "h1\n");
    Files.createDirectories(dir.resolve("group_vars"));
    Files.writeString(dir.resolve("group_vars/all.yml"), groupVars);
    Files.write(dir.resolve("pw"), PASSWORD);
    String inventory = RealAnsible.command("ansible-inventory").toString();
    String out = vault
        ? RealAnsible.run(dir, inventory, "-i", "hosts", "--vault-password-file", "pw", "--list")
        : RealAnsible.run(dir, inventory, "-i", "hosts", "--list");
    return PLAIN.readTree(out).path("_meta").path("hostvars").path("h1");
  }
}
