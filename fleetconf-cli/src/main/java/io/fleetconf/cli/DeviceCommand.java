package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "device", mixinStandardHelpOptions = true, description = "Register and group devices.")
final class DeviceCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      DeviceCommand.Add.class, DeviceCommand.Ls.class, DeviceCommand.Show.class, DeviceCommand.SetGroups.class,
      DeviceCommand.Rm.class);

  private static final String BASE = "/api/v1/devices";
  private static final List<String> HEADER = List.of("ID", "GROUPS", "LABELS");

  static ArrayNode groups(List<String> groups) {
    ArrayNode array = ApiClient.JSON.createArrayNode();
    groups.forEach(array::add);
    return array;
  }

  static void print(CommandSpec spec, Connection connection, JsonNode answer, JsonNode device) {
    connection.print(spec, answer, out -> out.table(HEADER, List.of(row(device))));
  }

  /** A device as a table row: id, groups in precedence order, labels as name=value. */
  static List<String> row(JsonNode device) {
    List<String> labels = new ArrayList<>();
    device.get("labels").properties().forEach(l -> labels.add(l.getKey() + "=" + l.getValue().asText()));
    return List.of(device.get("id").asText(), String.join(",", texts(device.get("groups"))), String.join(",", labels));
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.asText()));
    return out;
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a device.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
        description = "A group such as site/lisbon; repeat, later ones win.") List<String> groups = new ArrayList<>();
    @Option(names = {"-l", "--label"}, paramLabel = "NAME=VALUE") Map<String, String> labels = Map.of();

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("id", id);
      body.set("groups", groups(groups));
      ObjectNode labelNode = body.putObject("labels");
      labels.forEach(labelNode::put);
      JsonNode answer = connection.client().send("POST", BASE, ApiClient.query(), body);
      print(spec, connection, answer, answer.get("device"));
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List devices.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get(BASE, ApiClient.query());
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        answer.get("devices").forEach(device -> rows.add(row(device)));
        out.table(HEADER, rows);
      });
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      JsonNode device = connection.client().get(BASE + "/" + ApiClient.segment(id), ApiClient.query());
      print(spec, connection, device, device);
      return 0;
    }
  }

  @Command(name = "set-groups", mixinStandardHelpOptions = true,
      description = "Replace a device's groups, in precedence order (later wins).")
  static final class SetGroups implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", arity = "0..*", paramLabel = "GROUP") List<String> groups = new ArrayList<>();

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.set("groups", groups(groups));
      JsonNode answer = connection.client().send("PATCH", BASE + "/" + ApiClient.segment(id), ApiClient.query(), body);
      print(spec, connection, answer, answer.get("device"));
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Unregister a device and drop its entries.")
  static final class Rm implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().send("DELETE", BASE + "/" + ApiClient.segment(id), ApiClient.query(), null);
      connection.print(spec, answer, out -> out.line("revision " + answer.get("revision").asLong() + ": removed " + id));
      return 0;
    }
  }
}
