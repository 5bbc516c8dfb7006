package io.fleetconf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.client.Config;
import io.fleetconf.format.Format;
import io.fleetconf.format.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns an output's part of the config into file bytes: a Jinja template, run as Ansible's template
 * module runs it (see {@link StrictJinja}), or a built-in format of
 * a namespace or subtree. A template sees each namespace as a variable ({@code tv_scheduler.volume}),
 * the whole tree as {@code config}, and {@code device_id} and {@code revision}.
 */
final class Renderer {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Made when a template first needs it: an agent with format outputs only never loads Jinjava (docs/performance.md). */
  private StrictJinja jinja;
  /** Ansible-mode Jinja by its block settings ({@code trim_blocks}, {@code lstrip_blocks}), made when first used. */
  private final Map<List<Boolean>, StrictJinja> ansibleJinja = new java.util.concurrent.ConcurrentHashMap<>();
  private final String deviceId;
  private final AgentConfig.Ansible ansible;

  Renderer(String deviceId) {
    this(deviceId, AgentConfig.Ansible.DEFAULT);
  }

  Renderer(String deviceId, AgentConfig.Ansible ansible) {
    this.deviceId = deviceId;
    this.ansible = ansible;
  }

  byte[] render(AgentConfig.Output output, Config config) {
    if (output.template().isPresent()) {
      return template(output, config);
    }
    Format format = Format.named(output.format().orElseThrow());
    String path = output.path().orElse(output.namespace());
    // An empty file would silently drop every setting the service reads: a typo in the namespace,
    // or a namespace deleted by mistake, fails the output instead. An explicit {} still renders.
    JsonNode subtree = config.get(path).map(value -> Json.read(value.asJson())).orElseThrow(() -> new AgentException((output.path().isPresent() ? "path '"
        : "namespace '") + path + "' is not in this device's config: nothing written (an empty file would drop"
        + " every setting the service reads)"));
    return format.render(subtree).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] template(AgentConfig.Output output, Config config) {
    String source;
    try {
      source = Files.readString(output.template().get());
    } catch (IOException e) {
      throw new AgentException("cannot read template " + output.template().get() + ": " + e.getMessage());
    }
    JsonNode json = Json.read(config.asJson());
    if (output.ansibleTemplate()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = JSON.convertValue(negativeZeros(json), Map.class);
      return ansible(output.template().get(), source, tree).getBytes(StandardCharsets.UTF_8);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) numbersAsWritten(json);
    Map<String, Object> context = new LinkedHashMap<>();
    tree.forEach((namespace, value) -> context.put(namespace, StrictJinja.tree(namespace, value)));
    context.put("config", StrictJinja.tree("config", tree));
    context.put("device_id", deviceId);
    context.put("revision", config.revision().value());
    return rendered(output.template().get(), jinja().render(source, context)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The config as plain Java values for a fleetconf-mode template, a number that Java would print otherwise than
   * it is written ({@code 1e3} as {@code 1E+3}) as a {@link WrittenNumber}: the template prints what is stored.
   */
  private static Object numbersAsWritten(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), numbersAsWritten(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new java.util.ArrayList<>(node.size());
      node.forEach(item -> list.add(numbersAsWritten(item)));
      return list;
    }
    Object value = JSON.convertValue(node, Object.class);
    return node.isNumber() && !String.valueOf(value).equals(node.asText()) ? new WrittenNumber(node.asText()) : value;
  }

  /**
   * A float written {@code -0.0} is Python's negative zero; read as a decimal it would be plain 0
   * (a BigDecimal has no sign for zero) and {@code {{ x }}} would print {@code 0.0}.
   */
  private static JsonNode negativeZeros(JsonNode node) {
    if (node.isFloatingPointNumber() && node.asText().startsWith("-") && node.decimalValue().signum() == 0) {
      return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(-0.0);
    }
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      object.properties().forEach(e -> e.setValue(negativeZeros(e.getValue())));
    } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, negativeZeros(array.get(i)));
      }
    }
    return node;
  }

  private synchronized StrictJinja jinja() {
    if (jinja == null) {
      jinja = new StrictJinja();
    }
    return jinja;
  }

  private static String rendered(Path file, StrictJinja.Rendered result) {
    return result.output().orElseThrow(() -> new AgentException("template " + file + ": "
        + result.problems().stream().map(p -> "line " + p.line() + ": " + p.message()).collect(Collectors.joining("; "))));
  }

  /**
   * As ansible-core 2.14's template module: a {@code #jinja2:} first line overrides the settings
   * and is dropped; Jinja drops one trailing newline and Ansible then restores the template's count;
   * the variables namespace at top level, with Ansible's magic variables over it.
   */
  private String ansible(Path file, String source, Map<String, Object> tree) {
    int trailing = trailingNewlines(source);
    boolean trimBlocks = true;
    boolean lstripBlocks = false;
    boolean keepTrailingNewline = false;
    if (source.startsWith(JINJA2_OVERRIDE)) {
      int eol = source.indexOf('\n');
      String line = source.substring(JINJA2_OVERRIDE.length(), eol < 0 ? source.length() : eol);
      source = eol < 0 ? "" : source.substring(eol + 1);
      for (String pair : line.split(",")) {
        int colon = pair.indexOf(':');
        if (colon < 0) {
          throw new AgentException("template " + file + ": line 1: failed to parse jinja2 override '" + pair.strip()
              + "' (give key: value pairs, separated by commas)");
        }
        String key = pair.substring(0, colon).strip();
        boolean value = switch (pair.substring(colon + 1).strip()) {
          case "True" -> true;
          case "False" -> false;
          default -> throw new AgentException("template " + file + ": line 1: jinja2 override " + key
              + " must be True or False, was '" + pair.substring(colon + 1).strip() + "'");
        };
        switch (key) {
          case "trim_blocks" -> trimBlocks = value;
          case "lstrip_blocks" -> lstripBlocks = value;
          case "keep_trailing_newline" -> keepTrailingNewline = value;
          default -> throw new AgentException("template " + file + ": line 1: jinja2 override " + key
              + " is not supported (trim_blocks, lstrip_blocks, keep_trailing_newline are)");
        }
      }
    }
    source = source.replace("\r\n", "\n").replace('\r', '\n');
    if (!keepTrailingNewline && source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    boolean trim = trimBlocks;
    boolean lstrip = lstripBlocks;
    StrictJinja engine = ansibleJinja.computeIfAbsent(List.of(trim, lstrip), k -> new StrictJinja(trim, lstrip, true));
    String result = rendered(file, engine.render(source, ansibleContext(tree)));
    int missing = trailing - trailingNewlines(result);
    return missing > 0 ? result + "\n".repeat(missing) : result;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> ansibleContext(Map<String, Object> tree) {
    Map<String, Object> vars = new LinkedHashMap<>();
    if (tree.get(ansible.variables()) instanceof Map<?, ?> map) {
      map.forEach((k, v) -> vars.put((String) k, v));
    }
    InventoryGroups inventory = InventoryGroups.of(tree, deviceId).orElseGet(this::configuredGroups);
    vars.put("inventory_hostname", deviceId);
    // Ansible keeps an IP address whole as the short name
    vars.put("inventory_hostname_short", deviceId.matches("[0-9.]+|.*:.*") ? deviceId : deviceId.split("\\.", 2)[0]);
    vars.put("group_names", inventory.groupNames());
    vars.put("ansible_managed", ansible.managed().orElse("Ansible managed"));
    Map<String, Object> context = new LinkedHashMap<>();
    vars.forEach((name, value) -> context.put(name, StrictJinja.tree(name, value)));
    Object groups = new InventoryGroups.Unordered(inventory.groups());
    context.put("groups", groups);
    Object host = StrictJinja.tree("hostvars['" + deviceId + "']", vars);
    ((Map<String, Object>) host).put("groups", groups);
    context.put("hostvars", StrictJinja.hostvars(deviceId, host));
    return context;
  }

  /** Without the import's inventory entry: the groups the agent config names, each holding only this device. */
  private InventoryGroups configuredGroups() {
    List<String> groupNames = ansible.groupNames().stream().filter(g -> !g.equals("all")).sorted().toList();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groups.put("all", List.of(deviceId));
    groups.put("ungrouped", groupNames.isEmpty() ? List.of(deviceId) : List.of());
    groupNames.forEach(g -> groups.put(g, List.of(deviceId)));
    return new InventoryGroups(groups, groupNames.isEmpty() ? List.of("ungrouped") : groupNames);
  }

  private static final String JINJA2_OVERRIDE = "#jinja2:";

  private static int trailingNewlines(String text) {
    int count = 0;
    while (count < text.length() && text.charAt(text.length() - 1 - count) == '\n') {
      count++;
    }
    return count;
  }
}
