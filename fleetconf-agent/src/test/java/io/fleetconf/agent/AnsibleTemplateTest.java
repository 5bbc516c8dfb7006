package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.testing.RealAnsible;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible-mode templates against real Ansible: one {@code ansible-playbook} run renders every
 * template of {@code ansible-templates/templates} for every host of its inventory with the
 * template module; the agent's renderer, given the variables {@code ansible-inventory} reports
 * for each host, must write the same bytes. The templates of {@code failing/} fail in both.
 */
class AnsibleTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Path project;
  private static JsonNode inventory;

  @BeforeAll
  static void renderWithAnsible() throws Exception {
    Path playbook = RealAnsible.command("ansible-playbook");
    Path source = Path.of(AnsibleTemplateTest.class.getResource("/ansible-templates").toURI());
    project = dir.resolve("project");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, project.resolve(source.relativize(file).toString()));
      }
    }
    inventory = JSON.readTree(RealAnsible.run(project, RealAnsible.command("ansible-inventory").toString(),
        "-i", "hosts.yaml", "--list"));
    RealAnsible.run(project, playbook.toString(), "-i", "hosts.yaml", "playbook.yaml", "-e", "out=" + dir.resolve("out"));
  }

  private static List<String> hosts() {
    return new ArrayList<>(new TreeSet<>(iterable(inventory.get("_meta").get("hostvars").fieldNames())));
  }

  private static <T> List<T> iterable(Iterator<T> it) {
    List<T> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }

  /**
   * The inventory's shape as {@code fleetconf import ansible} stores it ({@code global/ansible/inventory}):
   * every group of {@code ansible-inventory --list} with its direct hosts and children, in that order.
   */
  private static Map<String, Object> inventoryEntry() {
    Map<String, Object> groups = new java.util.LinkedHashMap<>();
    inventory.fieldNames().forEachRemaining(group -> {
      if (!group.equals("_meta")) {
        Map<String, Object> shape = new java.util.LinkedHashMap<>();
        shape.put("hosts", JSON.convertValue(inventory.get(group).path("hosts"), List.class));
        shape.put("children", JSON.convertValue(inventory.get(group).path("children"), List.class));
        groups.put(group, shape);
      }
    });
    return Map.of("groups", groups);
  }

  /**
   * The host's inventory variables (the names {@code ansible-inventory} lists) with their values in
   * Ansible's key order, as the playbook dumped them: {@code ansible-inventory --list} sorts dicts.
   */
  private static Map<String, Object> ansibleVars(String host) {
    JsonNode dumped;
    try {
      dumped = JSON.readTree(dir.resolve("out").resolve(host + ".vars.json").toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Object> vars = new java.util.LinkedHashMap<>();
    inventory.get("_meta").get("hostvars").get(host).fieldNames()
        .forEachRemaining(name -> vars.put(name, JSON.convertValue(dumped.get(name), Object.class)));
    return vars;
  }

  /** The agent's renderer for the host, its {@code vars} namespace holding what Ansible has for it. */
  private static byte[] render(String host, Path template) {
    var builder = FleetconfClient.builder();
    ansibleVars(host).forEach((name, value) -> builder.defaultValue("vars/" + name, value));
    builder.defaultValue("ansible/inventory", inventoryEntry());
    io.fleetconf.client.Config config;
    try (FleetconfClient client = builder.start()) {
      config = client.config();
    }
    var output = new AgentConfig.Output("out", "vars", Optional.of(template), Optional.empty(), Optional.empty(),
        dir.resolve("unused"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    return new Renderer(host, new AgentConfig.Ansible(Optional.empty(), Optional.empty(), List.of()))
        .render(output, config);
  }

  private static List<Path> templates(String folder) throws IOException {
    try (Stream<Path> files = Files.list(project.resolve(folder))) {
      return files.sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyTemplateForEveryHostIsByteIdenticalToAnsibles() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String host : hosts()) {
      for (Path template : templates("templates")) {
        String name = template.getFileName().toString().replaceAll("\\.j2$", "");
        tests.add(DynamicTest.dynamicTest(host + " " + name, () -> {
          byte[] ansible = Files.readAllBytes(dir.resolve("out").resolve(host).resolve(name));
          assertThat(new String(render(host, template), java.nio.charset.StandardCharsets.UTF_8))
              .isEqualTo(new String(ansible, java.nio.charset.StandardCharsets.UTF_8));
          assertThat(render(host, template)).isEqualTo(ansible);
        }));
      }
    }
    return tests.stream();
  }

  @Test
  void templatesThatFailInAnsibleFailInTheAgentNamingTemplateLineAndCause() throws Exception {
    String host = hosts().get(0);
    JsonNode ansible = JSON.readTree(dir.resolve("out").resolve(host + ".failures.json").toFile());
    assertThat(ansible).hasSize(5);
    assertThat(ansible.get(0).asText()).contains("Mandatory variable 'not_there'");
    assertThat(ansible.get(1).asText()).contains("Unexpected end of template");
    assertThat(ansible.get(2).asText()).contains("'missing_port' is undefined");
    assertThat(ansible.get(3).asText()).contains("no_such_filter");
    assertThat(ansible.get(4).asText()).contains("can only concatenate str (not \"int\") to str");
    for (Path template : templates("failing")) {
      assertThat(Files.exists(dir.resolve("out").resolve(host).resolve("failed-" + template.getFileName()))).isFalse();
    }
    Path failing = project.resolve("failing");
    assertThatThrownBy(() -> render(host, failing.resolve("mandatory.j2")))
        .isInstanceOf(AgentException.class)
        .hasMessageStartingWith("template " + failing.resolve("mandatory.j2") + ": line 2: ")
        .hasMessageContaining("Mandatory variable 'not_there'  not defined.");
    assertThatThrownBy(() -> render(host, failing.resolve("syntax.j2")))
        .isInstanceOf(AgentException.class)
        .hasMessageStartingWith("template " + failing.resolve("syntax.j2") + ": line ");
    assertThatThrownBy(() -> render(host, failing.resolve("undefined.j2")))
        .isInstanceOf(AgentException.class)
        .hasMessage("template " + failing.resolve("undefined.j2") + ": line 2: 'missing_port' is undefined");
    assertThatThrownBy(() -> render(host, failing.resolve("unknownfilter.j2")))
        .isInstanceOf(AgentException.class)
        .hasMessage("template " + failing.resolve("unknownfilter.j2") + ": line 1: unknown filter 'no_such_filter'");
    assertThatThrownBy(() -> render(host, failing.resolve("unsupported.j2")))
        .isInstanceOf(AgentException.class)
        .hasMessage("template " + failing.resolve("unsupported.j2") + ": line 2: can only concatenate str (not \"int\") to str");
  }

  /**
   * What the agent cannot write as Ansible does (docs/ansible.md, "Differences that remain") it
   * refuses: Ansible renders these templates for every host, and the agent fails them naming the
   * template and line, so nothing different is ever written.
   */
  @Test
  void templatesTheAgentCannotRenderAsAnsibleAreRefusedNamingTemplateAndLine() throws Exception {
    Path refused = project.resolve("refused");
    Map<String, String> reasons = Map.of(
        "chained.j2", "line 1: Error parsing '1 < app_port | int < 65536'",
        "groups.j2", "line 2: 'groups' as a whole (printed, iterated, its keys or items) lists the groups in the order"
            + " Ansible parsed the inventory, which the agent does not know: use groups['<group>'] or group_names",
        "tuple.j2", "line 1: Error parsing '(app_name,)'");
    assertThat(templates("refused")).hasSize(reasons.size());
    for (String host : hosts()) {
      for (Path template : templates("refused")) {
        String name = template.getFileName().toString();
        assertThat(dir.resolve("out").resolve(host).resolve("refused-" + name.replaceAll("\\.j2$", ""))).isRegularFile();
        assertThatThrownBy(() -> render(host, template))
            .isInstanceOf(AgentException.class)
            .hasMessageStartingWith("template " + refused.resolve(name) + ": " + reasons.get(name));
      }
    }
  }
}
