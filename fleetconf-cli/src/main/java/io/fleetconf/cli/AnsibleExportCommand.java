package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.ansible.AnsibleException;
import io.fleetconf.ansible.ImportPlan;
import io.fleetconf.ansible.InventoryExport;
import io.fleetconf.ansible.Vault;
import io.fleetconf.ansible.VaultException;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The way back to Ansible: the fleet, read over HTTP, written as an inventory directory that
 * {@code ansible-inventory} reads to each device's effective variables (docs/ansible.md, "Export").
 */
@Command(name = "ansible", mixinStandardHelpOptions = true,
    description = "Write the fleet as an Ansible inventory: hosts.yml, group_vars/, host_vars/.")
final class AnsibleExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Option(names = "--to", required = true, paramLabel = "DIR", description = "The inventory directory to write.")
  Path to;
  @Option(names = "--namespace", defaultValue = "vars", description = "Namespace of the variables (default ${DEFAULT-VALUE}).")
  String namespace;
  @Option(names = "--all", description = "Every device, not only those in a group of kind ansible.") boolean all;
  @Option(names = "--vault-password-file", paramLabel = "FILE", description = "Encrypt secrets with this password (!vault).")
  Path vaultPasswordFile;
  @Option(names = "--vault-id", defaultValue = "", paramLabel = "ID", description = "Vault id of the secrets (format 1.2).")
  String vaultId;
  @Option(names = "--skip-secrets", description = "Leave secret variables out instead of refusing.") boolean skipSecrets;
  @Option(names = "--force", description = "Write into a non-empty DIR, replacing its hosts.yml, group_vars/ and host_vars/.")
  boolean force;

  @Override
  public Integer call() {
    if (namespace.equals(InventoryExport.SHAPE.path().segments().get(0))) {
      throw new CliException("--namespace " + namespace + " is where the import keeps the inventory's shape, not variables");
    }
    checkTarget();
    Optional<byte[]> password = Optional.ofNullable(vaultPasswordFile).map(AnsibleExportCommand::password);
    ApiClient client = connection.client();
    List<InventoryExport.Device> devices = devices(client);
    List<Entry> entries = new ArrayList<>();
    List<Key> masked = new ArrayList<>();
    client.get("/api/v1/entries", ApiClient.query("recurse", "true")).get("entries").forEach(json -> entry(json, entries, masked));
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> files;
    try {
      InventoryExport export = InventoryExport.of(devices, entries, namespace);
      List<Key> secrets = export.secrets();
      if (!secrets.isEmpty() && skipSecrets) {
        err.println("left out " + secrets.size() + " secret(s): " + names(secrets));
        export = InventoryExport.of(devices, entries.stream().filter(e -> !e.secret()).toList(), namespace);
      } else if (!secrets.isEmpty() && password.isEmpty()) {
        throw new CliException("the export holds secrets (" + names(secrets) + "): give --vault-password-file to"
            + " write them as !vault values, or --skip-secrets to leave them out; nothing written");
      } else if (secrets.stream().anyMatch(masked::contains)) {
        throw new CliException("this token may not read secrets (" + names(secrets.stream().filter(masked::contains).toList())
            + "): export with a token that may, or --skip-secrets; nothing written");
      }
      files = export.files(password.map(p -> new InventoryExport.Vaulting(p, vaultId)));
    } catch (AnsibleException | VaultException e) {
      throw new CliException(e.getMessage() + "; nothing written");
    }
    write(files);
    long groups = files.keySet().stream().filter(f -> f.startsWith("group_vars/")).count();
    long hosts = files.keySet().stream().filter(f -> f.startsWith("host_vars/")).count();
    var json = ApiClient.JSON.createObjectNode().put("hosts", devices.size()).put("groupVars", groups)
        .put("hostVars", hosts).put("inventory", to.resolve("hosts.yml").toString());
    OutputFormat.print(spec, json, out -> out.line("wrote " + devices.size() + " host(s) to " + to.resolve("hosts.yml")
        + ", " + groups + " group_vars and " + hosts + " host_vars file(s)"));
    err.flush();
    return 0;
  }

  /** A DIR that holds anything is refused without --force, before anything is read or written. */
  private void checkTarget() {
    if (Files.exists(to) && !Files.isDirectory(to)) {
      throw new CliException("--to " + to + " is a file, not a directory");
    }
    if (Files.isDirectory(to) && !force) {
      try (Stream<Path> inside = Files.list(to)) {
        if (inside.findAny().isPresent()) {
          throw new CliException("--to " + to + " is not empty; give --force to replace its hosts.yml, group_vars/ and host_vars/");
        }
      } catch (IOException e) {
        throw new CliException("cannot read " + to + ": " + e.getMessage());
      }
    }
  }

  private static byte[] password(Path file) {
    try {
      return Vault.passwordFromFile(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new CliException("cannot read --vault-password-file " + file + ": " + e.getMessage());
    } catch (VaultException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The devices in a group of kind ansible (every device with --all), in the server's order. */
  private List<InventoryExport.Device> devices(ApiClient client) {
    List<InventoryExport.Device> devices = new ArrayList<>();
    client.get("/api/v1/devices", ApiClient.query()).get("devices").forEach(device -> {
      List<GroupName> groups = new ArrayList<>();
      device.get("groups").forEach(g -> groups.add(GroupName.of(g.asText())));
      if (all || groups.stream().anyMatch(g -> g.value().startsWith(ImportPlan.KIND + "/"))) {
        devices.add(new InventoryExport.Device(DeviceId.of(device.get("id").asText()), groups));
      }
    });
    if (devices.isEmpty()) {
      throw new CliException(all ? "the server has no device to export"
          : "no device is in a group of kind ansible (as `fleetconf import ansible` makes them); give --all for every device");
    }
    return devices;
  }

  private static void entry(JsonNode json, List<Entry> entries, List<Key> masked) {
    Key key;
    try {
      key = Key.parse(json.get("key").asText());
    } catch (InvalidInputException e) {
      return; // a plain (Consul) key is in no device's config
    }
    boolean secret = json.path("secret").asBoolean(false);
    if (json.path("masked").asBoolean(false)) {
      masked.add(key);
    }
    entries.add(new Entry(key, json.get("value"), Revision.ZERO, Revision.ZERO, 1, secret, 0,
        json.path("replace").asBoolean(false)));
  }

  private static String names(List<Key> keys) {
    return String.join(", ", keys.stream().map(Key::toString).toList());
  }

  private void write(Map<String, String> files) {
    try {
      Files.createDirectories(to);
      if (force) {
        Files.deleteIfExists(to.resolve("hosts.yml"));
        for (String dir : List.of("group_vars", "host_vars")) {
          delete(to.resolve(dir));
        }
      }
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = to.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
    } catch (IOException e) {
      throw new CliException("cannot write " + to + ": " + e.getMessage());
    }
  }

  /** Deletes {@code dir} and all below it, if it exists. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
