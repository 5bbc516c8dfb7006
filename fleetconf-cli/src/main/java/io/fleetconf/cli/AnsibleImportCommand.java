package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.ansible.AnsibleException;
import io.fleetconf.ansible.Decryptor;
import io.fleetconf.ansible.ImportPlan;
import io.fleetconf.ansible.Inventory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Brings an Ansible inventory over: hosts become devices, groups {@code ansible/<group>}, variables
 * entries under one namespace, so that each device's effective namespace equals
 * {@code ansible-inventory --host} (docs/ansible.md). Only what differs from the server is written,
 * devices and entries in one change set.
 */
@Command(name = "ansible", mixinStandardHelpOptions = true,
    description = "Import an Ansible inventory (file or directory, with group_vars/ and host_vars/).")
final class AnsibleImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Option(names = "--namespace", defaultValue = "vars", description = "Namespace of the variables (default ${DEFAULT-VALUE}).")
  String namespace;
  @Option(names = "--dry-run", description = "Print what would change and write nothing.") boolean dryRun;
  @Option(names = "--vault-password-file", paramLabel = "FILE", description = "Password for vault-encrypted values.")
  Path vaultPasswordFile;
  @Option(names = "--prune", description = "Also unregister the devices the import registered whose host left the "
      + "inventory, and delete the entries of its groups that left it.") boolean prune;
  @Option(names = "--drop-nulls", hidden = true, description = "Accepted and ignored: null values are imported as"
      + " null (replacing entries); it used to drop them when fleetconf could not store them.")
  boolean dropNulls;
  @Option(names = "--quiet", description = "No progress on stderr.") boolean quiet;
  @Option(names = "--progress", description = "Progress on stderr even when it is not a terminal.") boolean progress;
  @Option(names = {"-m", "--message"}) String message;
  @Parameters(paramLabel = "INVENTORY") Path inventoryPath;

  @Override
  public Integer call() {
    Progress steps = new Progress(spec.commandLine().getErr(), !quiet && (progress || System.console() != null));
    Decryptor decryptor;
    ImportPlan plan;
    try {
      decryptor = vaultPasswordFile == null ? Decryptor.REFUSE : Decryptor.fromPasswordFile(vaultPasswordFile);
      plan = plan(decryptor, steps);
    } catch (AnsibleException e) {
      throw new CliException(e.getMessage());
    }
    ApiClient client = connection.client();
    steps.say("reading the server's devices and entries");
    ImportChanges changes = ImportChanges.of(plan, devices(client), entries(client), decryptor, prune);
    steps.say(changes.summary() + " to make");
    if (dryRun) {
      printDryRun(changes);
      return 0;
    }
    if (changes.all().isEmpty()) {
      connection.print(spec, ApiClient.JSON.createObjectNode().put("changes", 0),
          human -> human.line("nothing changed" + changes.leftNote()));
      return 0;
    }
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.put("message", message != null ? message : "import ansible " + inventoryPath.getFileName());
    ArrayNode operations = body.putArray("operations");
    changes.all().forEach(op -> operations.add(op.body()));
    steps.say("committing " + operations.size() + " operation(s) as one change set");
    JsonNode answer = client.send("POST", "/api/v1/changes", ApiClient.query(), body);
    connection.print(spec, answer, human -> human.line("revision " + answer.get("revision").asLong() + ": "
        + changes.summary() + changes.leftNote()));
    return 0;
  }

  private ImportPlan plan(Decryptor decryptor, Progress steps) {
    steps.say("reading " + inventoryPath);
    Inventory inventory = Inventory.read(inventoryPath, decryptor);
    steps.say("read " + inventory.hosts().size() + " host(s) and " + inventory.groups().size() + " group(s)");
    if (dropNulls) {
      spec.commandLine().getErr().println("import: --drop-nulls is ignored: null values are imported as null");
    }
    ImportPlan plan = ImportPlan.of(inventory, namespace);
    steps.say("planned " + plan.entries().size() + " entry(ies), " + plan.secrets().size() + " secret");
    return plan;
  }

  private void printDryRun(ImportChanges changes) {
    Output out = new Output(spec.commandLine().getOut());
    if (OutputFormat.of(spec).isJson()) {
      ObjectNode would = ApiClient.JSON.createObjectNode().put("dryRun", true);
      changes.all().forEach(op -> would.withArray("operations").add(op.body()));
      would.set("left", ApiClient.JSON.valueToTree(changes.left));
      out.json(would);
    } else {
      changes.all().forEach(op -> out.line(op.line()));
      out.line("dry run: " + changes.summary() + "; nothing written" + changes.leftNote());
    }
  }

  private static Map<String, ImportChanges.Device> devices(ApiClient client) {
    Map<String, ImportChanges.Device> devices = new LinkedHashMap<>();
    client.get("/api/v1/devices", ApiClient.query()).get("devices").forEach(device -> {
      List<String> groups = new ArrayList<>();
      device.get("groups").forEach(g -> groups.add(g.asText()));
      Map<String, String> labels = new LinkedHashMap<>();
      device.path("labels").properties().forEach(l -> labels.put(l.getKey(), l.getValue().asText()));
      devices.put(device.get("id").asText(), new ImportChanges.Device(groups, labels));
    });
    return devices;
  }

  /** Every entry, secrets masked even for a token that may read them: the import compares them by digest. */
  private static Map<String, ImportChanges.Entry> entries(ApiClient client) {
    Map<String, ImportChanges.Entry> current = new LinkedHashMap<>();
    client.get("/api/v1/entries", ApiClient.query("recurse", "true", "mask", "true")).get("entries")
        .forEach(entry -> current.put(entry.get("key").asText(),
            new ImportChanges.Entry(entry.get("value"), entry.path("secret").asBoolean(false),
                entry.path("replace").asBoolean(false))));
    return current;
  }

  /** Phases with counts on stderr, for large inventories; silent unless asked or on a terminal. */
  private record Progress(PrintWriter err, boolean on) {
    void say(String step) {
      if (on) {
        err.println("import: " + step);
        err.flush();
      }
    }
  }
}
