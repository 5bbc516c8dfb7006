package io.fleetconf.ansible;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.testing.RealAnsible;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault and VaultedYaml against what real ansible-vault writes and ansible-inventory reads. */
class VaultTest {
  private static final byte[] PASSWORD = "correct horse".getBytes(UTF_8);
  private static final Map<String, String> SECRETS = new LinkedHashMap<>();
  private static final String FILE_TEXT = "first line\nünïcödé 🎉 ☃\n\ttabbed; last line without newline";

  static {
    SECRETS.put("db_password", "x y");
    SECRETS.put("multi_line", "line1\nline2\n");
    SECRETS.put("unicode", "ünï 🎉 日本");
  }

  @TempDir static Path dir;
  private static String strings11;
  private static String strings12;
  private static JsonNode hostvars;

  @BeforeAll
  static void encryptWithRealAnsible() throws Exception {
    String vault = RealAnsible.command("ansible-vault").toString();
    String inventory = RealAnsible.command("ansible-inventory").toString();
    Files.writeString(dir.resolve("pw"), "  correct horse\n");
    strings11 = RealAnsible.run(dir, encryptString(vault, "--vault-password-file", "pw"));
    strings12 = RealAnsible.run(dir, encryptString(vault, "--vault-id", "dev@pw"));

    Files.writeString(dir.resolve("file11.txt"), FILE_TEXT);
    Files.writeString(dir.resolve("empty11.txt"), "");
    Files.writeString(dir.resolve("file12.txt"), FILE_TEXT);
    Files.writeString(dir.resolve("empty12.txt"), "");
    RealAnsible.run(dir, vault, "encrypt", "--vault-password-file", "pw", "file11.txt", "empty11.txt");
    RealAnsible.run(dir, vault, "encrypt", "--vault-id", "prod@pw", "file12.txt", "empty12.txt");

    Files.writeString(dir.resolve("ours11.txt"), Vault.encrypt(FILE_TEXT.getBytes(UTF_8), PASSWORD, ""));
    Files.writeString(dir.resolve("ours12.txt"), Vault.encrypt(new byte[0], PASSWORD, "ops"));
    RealAnsible.run(dir, vault, "decrypt", "--vault-password-file", "pw", "ours11.txt", "ours12.txt");

    Path inv = Files.createDirectories(dir.resolve("inv"));
    Files.writeString(inv.resolve("hosts"), "[web]\nh1\nh2\n");
    Files.createDirectories(inv.resolve("group_vars"));
    Files.createDirectories(inv.resolve("host_vars"));
    Files.writeString(inv.resolve("group_vars/web.yml"), mixedVars());
    Files.writeString(inv.resolve("host_vars/h2.yml"), hostFile());
    RealAnsible.run(inv, vault, "encrypt", "--vault-id", "prod@../pw", "host_vars/h2.yml");
    String list = RealAnsible.run(inv, inventory, "-i", "hosts", "--vault-password-file", "../pw", "--list");
    hostvars = new ObjectMapper(JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build())
        .readTree(list).path("_meta").path("hostvars");
  }

  private static String[] encryptString(String vault, String... how) {
    List<String> command = new ArrayList<>(List.of(vault, "encrypt_string"));
    command.addAll(List.of(how));
    SECRETS.keySet().forEach(name -> command.addAll(List.of("--name", name)));
    command.add("--");
    command.addAll(SECRETS.values());
    return command.toArray(String[]::new);
  }

  private static String mixedVars() {
    return "---\nplain: hi\nport: 8080\nratio: 1.5\nenabled: true\nnothing: null\n"
        + "list: [a, 1]\nnested:\n  inner: ünï\n" + YAML_11_SCALARS + strings11 + "\n"
        + strings12.replace("db_password:", "db_password_12:").replace("multi_line:", "multi_line_12:")
            .replace("unicode:", "unicode_12:")
        + "\n";
  }

  // PyYAML's YAML 1.1 typing, which differs from YAML 1.2 and from SnakeYAML's in places.
  private static final String YAML_11_SCALARS = """
      b1: yes
      b2: no
      b3: on
      b4: OFF
      b5: True
      b6: y
      n1: 1.10
      n2: "1.10"
      n3: 0777
      n4: 0x1F
      n5: 1_000
      n6: .inf
      n7: -.inf
      n8: .nan
      n9: 1e3
      n10: 1.0e3
      n11: +12
      n12: 0o17
      n13: 12345678901234567890
      n14: 190:20:30
      n15: 0b101
      n16: 1.5e+3
      n17: -0
      d1: 2024-01-01
      t1: 2024-01-31 10:00:00
      t2: 2024-01-31T10:00:00.5Z
      t3: 2024-1-31 10:00:00 +01:30
      z1: ~
      z2:
      z3: Null
      s1: '007'
      s2: !!str 12
      s3: !unsafe '{{ not_templated }}'
      base: &base {a: 1, b: [x]}
      merged:
        <<: *base
        b: own
      """;

  private static String hostFile() {
    return "host_secret: s3\nhost_nested:\n  list: [1, two]\n  flag: false\n";
  }

  @Test
  void decrypts_values_from_encrypt_string_1_1_and_1_2() {
    VaultedYaml v11 = VaultedYaml.read(strings11, PASSWORD, "strings11");
    VaultedYaml v12 = VaultedYaml.read(strings12, PASSWORD, "strings12");

    assertThat(strings11).contains("$ANSIBLE_VAULT;1.1;AES256\n");
    assertThat(strings12).contains("$ANSIBLE_VAULT;1.2;AES256;dev\n");
    for (VaultedYaml v : List.of(v11, v12)) {
      SECRETS.forEach((name, value) -> assertThat(v.tree().path(name).textValue()).isEqualTo(value));
      assertThat(v.vaulted()).containsExactly(
          JsonPointer.compile("/db_password"), JsonPointer.compile("/multi_line"), JsonPointer.compile("/unicode"));
    }
  }

  @Test
  void decrypts_files_from_ansible_vault_encrypt_1_1_and_1_2() throws Exception {
    for (String name : List.of("file11.txt", "file12.txt")) {
      String text = Files.readString(dir.resolve(name));
      assertThat(Vault.isEncrypted(text)).isTrue();
      assertThat(new String(Vault.decrypt(text, PASSWORD, name), UTF_8)).isEqualTo(FILE_TEXT);
    }
    assertThat(Files.readString(dir.resolve("file12.txt"))).startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n");
    assertThat(Vault.decrypt(Files.readString(dir.resolve("empty11.txt")), PASSWORD, "empty11")).isEmpty();
    assertThat(Vault.decrypt(Files.readString(dir.resolve("empty12.txt")), PASSWORD, "empty12")).isEmpty();
    assertThat(Vault.isEncrypted(FILE_TEXT)).isFalse();
  }

  @Test
  void ansible_vault_decrypts_what_we_encrypt() throws Exception {
    assertThat(Files.readString(dir.resolve("ours11.txt"))).isEqualTo(FILE_TEXT);
    assertThat(Files.readString(dir.resolve("ours12.txt"))).isEmpty();
    String ours = Vault.encrypt("v".getBytes(UTF_8), PASSWORD, "ops");
    assertThat(ours).startsWith("$ANSIBLE_VAULT;1.2;AES256;ops\n").endsWith("\n");
    assertThat(Vault.encrypt(new byte[0], PASSWORD, "default")).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");
  }

  @Test
  void mixed_vars_file_reads_as_ansible_inventory_shows_it() throws Exception {
    VaultedYaml read = VaultedYaml.read(Files.readString(dir.resolve("inv/group_vars/web.yml")), PASSWORD, "web.yml");

    Set<JsonPointer> shownVaulted = new LinkedHashSet<>();
    JsonNode expected = unvault(hostvars.path("h1").deepCopy(), JsonPointer.empty(), shownVaulted);
    assertThat(read.tree()).isEqualTo(expected);
    assertThat(read.vaulted()).isEqualTo(shownVaulted).hasSize(6);
  }

  @Test
  void whole_encrypted_vars_file_is_decrypted_read_and_every_value_marked() throws Exception {
    String text = Files.readString(dir.resolve("inv/host_vars/h2.yml"));
    assertThat(text).startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n");
    VaultedYaml group = VaultedYaml.read(Files.readString(dir.resolve("inv/group_vars/web.yml")), PASSWORD, "web.yml");

    VaultedYaml host = VaultedYaml.read(text, PASSWORD, "host_vars/h2.yml");

    ObjectNode merged = ((ObjectNode) group.tree().deepCopy()).setAll((ObjectNode) host.tree());
    assertThat(merged).isEqualTo(unvault(hostvars.path("h2").deepCopy(), JsonPointer.empty(), new LinkedHashSet<>()));
    assertThat(host.vaulted()).containsExactly(JsonPointer.compile("/host_secret"),
        JsonPointer.compile("/host_nested/list/0"), JsonPointer.compile("/host_nested/list/1"),
        JsonPointer.compile("/host_nested/flag"));
  }

  @Test
  void wrong_password_refuses_saying_where() throws Exception {
    byte[] wrong = "battery staple".getBytes(UTF_8);
    String vars = Files.readString(dir.resolve("inv/group_vars/web.yml"));

    assertThatThrownBy(() -> VaultedYaml.read(vars, wrong, "group_vars/web.yml"))
        .isInstanceOf(VaultException.class)
        .hasMessage("group_vars/web.yml (/db_password): the vault password does not open this value (HMAC check failed)");
    assertThatThrownBy(() -> Vault.decrypt(Files.readString(dir.resolve("file11.txt")), wrong, "file11.txt"))
        .hasMessage("file11.txt: the vault password does not open this value (HMAC check failed)");
    assertThatThrownBy(() -> VaultedYaml.read(Files.readString(dir.resolve("inv/host_vars/h2.yml")), wrong, "host_vars/h2.yml"))
        .hasMessage("host_vars/h2.yml: the vault password does not open this value (HMAC check failed)");
  }

  @Test
  void no_password_refuses_naming_the_value() throws Exception {
    assertThatThrownBy(() -> VaultedYaml.read(Files.readString(dir.resolve("inv/group_vars/web.yml")), "group_vars/web.yml"))
        .isInstanceOf(VaultException.class)
        .hasMessage("group_vars/web.yml (/db_password): a !vault value is vault-encrypted and no vault password was given");
    assertThatThrownBy(() -> VaultedYaml.read(Files.readString(dir.resolve("inv/host_vars/h2.yml")), "host_vars/h2.yml"))
        .hasMessage("host_vars/h2.yml: the whole file is vault-encrypted and no vault password was given");
    assertThat(VaultedYaml.read("a: 1\n", "plain.yml").tree().toString()).isEqualTo("{\"a\":1}");
  }

  @Test
  void tampered_hmac_or_ciphertext_refuses_before_decrypting() throws Exception {
    String text = Files.readString(dir.resolve("file11.txt"));
    String header = text.lines().findFirst().orElseThrow();
    String inner = new String(HexFormat.of().parseHex(String.join("", text.lines().skip(1).toList())), UTF_8);
    String[] parts = inner.split("\n");

    String badHmac = rewrap(header, parts[0], flip(parts[1]), parts[2]);
    String badCipher = rewrap(header, parts[0], parts[1], flip(parts[2]));

    for (String tampered : List.of(badHmac, badCipher)) {
      assertThatThrownBy(() -> Vault.decrypt(tampered, PASSWORD, "vars.yml (api_key)"))
          .isInstanceOf(VaultException.class)
          .hasMessage("vars.yml (api_key): the vault password does not open this value (HMAC check failed)");
    }
  }

  @Test
  void malformed_envelopes_say_what_is_malformed() {
    assertThatThrownBy(() -> Vault.decrypt("$ANSIBLE_VAULT;1.1;AES256\nzz\n", PASSWORD, "f"))
        .hasMessage("f: malformed vault value: the payload is not hexadecimal of even length");
    assertThatThrownBy(() -> Vault.decrypt("$ANSIBLE_VAULT;1.1;AES256\n6162\n", PASSWORD, "f"))
        .hasMessage("f: malformed vault value: the payload is not salt, HMAC and ciphertext on three lines");
    assertThatThrownBy(() -> Vault.decrypt("$ANSIBLE_VAULT;1.0;AES\n6162\n", PASSWORD, "f"))
        .hasMessage("f: malformed vault value: version 1.0 is not supported (1.1 and 1.2 are)");
    assertThatThrownBy(() -> Vault.decrypt("$ANSIBLE_VAULT;1.1;AES128\n6162\n", PASSWORD, "f"))
        .hasMessage("f: malformed vault value: cipher AES128 is not supported (AES256 is)");
    assertThatThrownBy(() -> Vault.decrypt("hello", PASSWORD, "f"))
        .hasMessage("f: malformed vault value: it does not start with $ANSIBLE_VAULT;");
    assertThatThrownBy(() -> VaultedYaml.read("a: !vault [1]\n", PASSWORD, "f"))
        .hasMessage("f (/a): malformed vault value: !vault must tag a string");
    assertThatThrownBy(() -> VaultedYaml.read("a: !vault 3\n", PASSWORD, "f"))
        .hasMessage("f (/a): malformed vault value: it does not start with $ANSIBLE_VAULT;");
    assertThatThrownBy(() -> VaultedYaml.read("a: [1\nb: {", PASSWORD, "f"))
        .hasMessage("f: not valid YAML at line 2, column 2");
  }

  @Test
  void password_file_is_trimmed_as_ansible_trims_it() {
    assertThat(Vault.passwordFromFile("  correct horse\r\n".getBytes(UTF_8), "pw")).isEqualTo(PASSWORD);
    assertThatThrownBy(() -> Vault.passwordFromFile(" \n".getBytes(UTF_8), "pw"))
        .hasMessage("pw: the vault password file is empty");
  }

  // ansible-inventory shows a !vault value as {"__ansible_vault": envelope}: the value we encrypted;
  // and an !unsafe string as {"__ansible_unsafe": string}.
  private static JsonNode unvault(JsonNode node, JsonPointer at, Set<JsonPointer> vaulted) {
    if (node.isObject() && node.has("__ansible_unsafe")) {
      return node.get("__ansible_unsafe");
    }
    if (node.isObject() && node.has("__ansible_vault")) {
      vaulted.add(at);
      String name = at.toString().substring(1);
      String original = SECRETS.get(name.replace("_12", ""));
      return new ObjectMapper().getNodeFactory().textNode(original);
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.forEach(n -> object.set(n, unvault(object.get(n), at.appendProperty(n), vaulted)));
    }
    return node;
  }

  private static String flip(String hex) {
    char last = hex.charAt(hex.length() - 1);
    return hex.substring(0, hex.length() - 1) + (last == '0' ? '1' : '0');
  }

  private static String rewrap(String header, String salt, String hmac, String ciphertext) {
    return header + "\n" + HexFormat.of().formatHex((salt + "\n" + hmac + "\n" + ciphertext).getBytes(UTF_8)) + "\n";
  }
}
