package io.fleetconf.ansible;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads INI and YAML inventory sources into an {@link Inventory.Builder}, as Ansible's ini and yaml plugins do. */
final class InventoryReader {
  private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$");
  private static final List<String> IGNORED_SUFFIXES = List.of("~", ".orig", ".ini", ".cfg", ".retry", ".pyc", ".pyo");
  private static final List<String> IGNORED_NAMES = List.of("host_vars", "group_vars", "vars_plugins");
  private static final com.fasterxml.jackson.dataformat.toml.TomlMapper TOML =
      new com.fasterxml.jackson.dataformat.toml.TomlMapper();
  private final Inventory.Builder inventory;
  private final Decryptor decryptor;

  InventoryReader(Inventory.Builder inventory, Decryptor decryptor) {
    this.inventory = inventory;
    this.decryptor = decryptor;
  }

  /** A file, or every inventory file of a directory (sorted, recursively, as Ansible walks it). */
  void readSource(Path source) throws IOException {
    if (Files.isDirectory(source)) {
      List<Path> entries;
      try (Stream<Path> list = Files.list(source)) {
        entries = list.sorted().toList();
      }
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".") || IGNORED_NAMES.contains(name) || IGNORED_SUFFIXES.stream().anyMatch(name::endsWith)) {
          continue;
        }
        readSource(entry);
      }
    } else if (InventoryScript.is(source)) {
      InventoryScript.read(source, inventory); // before any format, as Ansible's plugin order has it
    } else {
      String name = source.getFileName().toString();
      String text = Files.readString(source, StandardCharsets.UTF_8);
      if (name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json")) {
        readYaml(source, text);
      } else if (name.endsWith(".toml")) {
        readToml(source, text);
      } else {
        // An INI inventory encrypted whole by ansible-vault: every variable in it counts as vaulted.
        boolean vaulted = Vault.isEncrypted(text);
        readIni(source, vaulted ? decryptor.decryptWhole(text, source) : text, vaulted);
      }
    }
  }

  private void readYaml(Path file, String text) {
    VaultedYaml read = decryptor.read(text, file);
    JsonNode data = read.tree();
    if (data.isNull() || data.isEmpty() && data.isObject()) {
      return;
    }
    if (!data.isObject()) {
      throw new AnsibleException(file + ": a YAML inventory must be a mapping of groups");
    }
    if (data.path("plugin").isTextual()) {
      throw pluginRefused(file, data.get("plugin").asText());
    }
    Set<String> vaulted = new HashSet<>();
    read.vaulted().forEach(pointer -> vaulted.add(pointer.toString()));
    for (Map.Entry<String, JsonNode> group : data.properties()) {
      yamlGroup(new Yaml(file, vaulted), JsonPointer.empty().appendProperty(group.getKey()), group.getKey(), group.getValue());
    }
  }

  /** A TOML inventory, as Ansible's toml plugin reads it: groups with {@code vars}, {@code children} (a list), {@code hosts}. */
  private void readToml(Path file, String text) {
    JsonNode data;
    try {
      data = TOML.readTree(text);
    } catch (IOException e) {
      throw new AnsibleException(file + ": not a valid TOML inventory: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (data == null || data.isEmpty()) {
      throw new AnsibleException(file + ": the TOML inventory is empty");
    }
    if (data.path("plugin").isTextual()) {
      throw pluginRefused(file, data.get("plugin").asText());
    }
    data.properties().forEach(group -> tomlGroup(new Yaml(file, Set.of()), group.getKey(), group.getValue()));
  }

  private void tomlGroup(Yaml file, String name, JsonNode data) {
    if (!data.isObject()) {
      return; // Ansible warns and skips
    }
    inventory.group(name);
    data.path("vars").properties().forEach(v -> inventory.groupVariable(name, v.getKey(), v.getValue(), false));
    data.path("children").forEach(child -> inventory.child(name, child.asText()));
    data.path("hosts").properties().forEach(host ->
        yamlHost(file, JsonPointer.empty(), name, host.getKey(), host.getValue()));
  }

  /**
   * An inventory plugin configuration ({@code auto} reads those): the plugin computes its groups and
   * variables when Ansible runs (from facts, Jinja expressions, a cloud API), so there is nothing
   * static to import.
   */
  static AnsibleException pluginRefused(Path file, String plugin) {
    return new AnsibleException(file + " configures the inventory plugin '" + plugin + "', which fleetconf does not"
        + " run: its groups and variables are computed when Ansible runs. Import what it gives instead:"
        + " ansible-inventory -i " + file + " --list --yaml > static.yml, then import static.yml");
  }

  /** A YAML inventory file and where its vaulted values are. */
  private record Yaml(Path file, Set<String> vaulted) {
    /** Whether the value at {@code at} is, or holds, a vaulted value. */
    boolean vaulted(JsonPointer at) {
      String prefix = at.toString();
      return vaulted.stream().anyMatch(p -> p.equals(prefix) || p.startsWith(prefix + "/"));
    }
  }

  private String yamlGroup(Yaml yaml, JsonPointer at, String name, JsonNode data) {
    if (!data.isObject() && !data.isNull()) {
      return name; // Ansible warns and skips
    }
    inventory.group(name);
    if (data.isNull()) {
      return name;
    }
    for (Map.Entry<String, JsonNode> section : data.properties()) {
      JsonNode value = section.getValue();
      if (value.isTextual()) {
        value = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().putNull(value.textValue());
      }
      if (!value.isObject()) {
        continue;
      }
      JsonPointer sectionAt = at.appendProperty(section.getKey());
      switch (section.getKey()) {
        case "vars" -> value.properties().forEach(v -> inventory.groupVariable(name, v.getKey(), v.getValue(),
            yaml.vaulted(sectionAt.appendProperty(v.getKey()))));
        case "children" -> value.properties().forEach(c -> inventory.child(name,
            yamlGroup(yaml, sectionAt.appendProperty(c.getKey()), c.getKey(), c.getValue())));
        case "hosts" -> value.properties().forEach(host -> yamlHost(yaml, sectionAt.appendProperty(host.getKey()),
            name, host.getKey(), host.getValue()));
        default -> { } // Ansible warns and skips
      }
    }
    return name;
  }

  private void yamlHost(Yaml yaml, JsonPointer at, String group, String patternText, JsonNode vars) {
    HostPattern pattern = HostPattern.parse(patternText, yaml.file());
    for (String hostName : pattern.hosts()) {
      inventory.host(hostName, group);
      pattern.port().ifPresent(port -> inventory.hostVariable(hostName, "ansible_port", numberNode(port), false));
      if (vars.isObject()) {
        vars.properties().forEach(v -> inventory.hostVariable(hostName, v.getKey(), v.getValue(),
            yaml.vaulted(at.appendProperty(v.getKey()))));
      }
    }
  }

  private static JsonNode numberNode(int port) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(port);
  }

  private void readIni(Path file, String text, boolean vaulted) {
    String group = "ungrouped";
    String state = "hosts";
    List<String> pendingVars = new ArrayList<>();
    int lineNumber = 0;
    for (String raw : text.split("\r?\n|\r", -1)) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
        continue;
      }
      Matcher section = SECTION.matcher(line);
      String where = file + ":" + lineNumber;
      if (section.matches()) {
        group = section.group(1);
        state = section.group(2) == null ? "hosts" : section.group(2);
        if (!List.of("hosts", "children", "vars").contains(state)) {
          throw new AnsibleException(where + ": section [" + group + ":" + state + "] has unknown type: " + state);
        }
        if (!inventory.hasGroup(group)) {
          if (state.equals("vars")) {
            pendingVars.add(group);
          }
          inventory.group(group);
        }
        if (!state.equals("vars")) {
          pendingVars.remove(group);
        }
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        throw new AnsibleException(where + ": invalid section entry: '" + line + "'");
      }
      switch (state) {
        case "hosts" -> iniHost(where, line, group, vaulted);
        case "vars" -> {
          int equals = line.indexOf('=');
          if (equals < 0) {
            throw new AnsibleException(where + ": expected key=value, got: " + line);
          }
          inventory.groupVariable(group, line.substring(0, equals).strip(),
              IniValue.parse(line.substring(equals + 1).strip()), vaulted);
        }
        default -> {
          String child = Shlex.split(line, where).get(0);
          inventory.group(child);
          pendingVars.remove(child);
          inventory.child(group, child);
        }
      }
    }
    if (!pendingVars.isEmpty()) {
      throw new AnsibleException(file + ": section [" + pendingVars.get(0) + ":vars] not valid for undefined group: "
          + pendingVars.get(0));
    }
  }

  private void iniHost(String where, String line, String group, boolean vaulted) {
    List<String> tokens = Shlex.split(line, where);
    if (tokens.isEmpty()) {
      return;
    }
    HostPattern pattern = HostPattern.parse(tokens.get(0), Path.of(where));
    for (String host : pattern.hosts()) {
      inventory.host(host, group);
      pattern.port().ifPresent(port -> inventory.hostVariable(host, "ansible_port", numberNode(port), vaulted));
      for (String token : tokens.subList(1, tokens.size())) {
        int equals = token.indexOf('=');
        if (equals < 0) {
          throw new AnsibleException(where + ": expected key=value host variable assignment, got: " + token);
        }
        inventory.hostVariable(host, token.substring(0, equals), IniValue.parse(token.substring(equals + 1)), vaulted);
      }
    }
  }
}
