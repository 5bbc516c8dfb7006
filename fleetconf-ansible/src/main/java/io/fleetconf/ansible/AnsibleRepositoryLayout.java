package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Scope;
import io.fleetconf.git.DesiredState;
import io.fleetconf.git.LayoutException;
import io.fleetconf.git.RepositoryLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An Ansible inventory directory in a repository ({@code --git-format ansible}): the inventory
 * files, {@code group_vars/} and {@code host_vars/} under the source's sub-path, made into the
 * state {@code fleetconf import ansible} of that directory writes: devices in groups
 * {@code ansible/<group>} labelled as the import labels them, variables under {@code vars}, and the
 * inventory entry. The import's own reader reads the files, from a private temporary copy (it reads
 * paths); vault-encrypted values are refused, as there is no vault password on the server.
 * Found by {@link RepositoryLayout#named} through {@link java.util.ServiceLoader}.
 */
public final class AnsibleRepositoryLayout implements RepositoryLayout {
  private static final String NAMESPACE = "vars";

  @Override
  public String name() {
    return "ansible";
  }

  /** The inventory's files: those at the top of {@code root} (not hidden), and group_vars/ and host_vars/. */
  @Override
  public boolean reads(String root, String path) {
    String prefix = root.isEmpty() ? "" : root + "/";
    if (!path.startsWith(prefix)) {
      return false;
    }
    String relative = path.substring(prefix.length());
    return !relative.contains("/") && !relative.startsWith(".") || relative.startsWith("group_vars/")
        || relative.startsWith("host_vars/");
  }

  @Override
  public DesiredState read(String root, SortedMap<String, String> files, io.fleetconf.git.Unsealer unsealer) {
    String prefix = root.isEmpty() ? "" : root + "/";
    Path copy = copy(prefix, files);
    try {
      ImportPlan plan = ImportPlan.of(Inventory.read(copy, Decryptor.REFUSE), NAMESPACE);
      return state(plan, prefix, files);
    } catch (AnsibleException | InvalidInputException e) {
      throw refused(e.getMessage().replace(copy + "/", prefix).replace(copy.toString(), root), prefix, files);
    } finally {
      delete(copy);
    }
  }

  private static DesiredState state(ImportPlan plan, String prefix, SortedMap<String, String> files) {
    SortedMap<Key, JsonNode> entries = new TreeMap<>(plan.entries());
    SortedMap<Key, String> namespaces = new TreeMap<>();
    String inventory = inventoryFile(prefix, files);
    namespaces.put(DesiredState.namespaceOf(ImportPlan.INVENTORY_KEY), inventory);
    for (GroupName group : plan.groupNames()) {
      String name = group.value().substring(ImportPlan.KIND.length() + 1);
      namespaces.put(new Key(new Scope.Group(group), KeyPath.parse(NAMESPACE)),
          varsFile(prefix, files, "group_vars/" + name).orElse(inventory));
    }
    SortedMap<DeviceId, Device> devices = new TreeMap<>();
    plan.deviceGroups().forEach((id, groups) -> {
      devices.put(id, new Device(id, groups, Map.of(ImportPlan.SOURCE_LABEL, ImportPlan.SOURCE)));
      namespaces.put(new Key(new Scope.Device(id), KeyPath.parse(NAMESPACE)),
          varsFile(prefix, files, "host_vars/" + id.value()).orElse(inventory));
    });
    // Every variable replaces what lower groups hold, as Ansible replaces it and the import writes it.
    java.util.SortedSet<Key> replacing = new java.util.TreeSet<>();
    entries.keySet().stream().filter(ImportPlan::replaces).forEach(replacing::add);
    return new DesiredState(entries, namespaces, devices, Optional.of(inventory), new java.util.TreeSet<>(), replacing);
  }

  /** The vars file or directory of a group or host ({@code group_vars/web.yml}, {@code group_vars/web/}), if any. */
  private static Optional<String> varsFile(String prefix, SortedMap<String, String> files, String base) {
    String start = prefix + base;
    return files.keySet().stream().filter(path -> path.startsWith(start + ".") || path.startsWith(start + "/"))
        .findFirst();
  }

  /** The first inventory file beside group_vars/ and host_vars/, for messages about the inventory's own variables. */
  private static String inventoryFile(String prefix, SortedMap<String, String> files) {
    return files.keySet().stream().filter(path -> path.startsWith(prefix))
        .filter(path -> !path.substring(prefix.length()).contains("/"))
        .filter(path -> !path.substring(prefix.length()).startsWith("."))
        .findFirst().orElse(prefix.isEmpty() ? "." : prefix.substring(0, prefix.length() - 1));
  }

  /** A refusal naming the file the reader's message starts with, when it does. */
  private static LayoutException refused(String message, String prefix, SortedMap<String, String> files) {
    String file = files.keySet().stream().filter(path -> path.startsWith(prefix) && message.startsWith(path + ":"))
        .max(Comparator.comparingInt(String::length)).orElse(prefix.isEmpty() ? "." : prefix.substring(0, prefix.length() - 1));
    String reason = message.startsWith(file + ": ") ? message.substring(file.length() + 2) : message;
    java.util.regex.Matcher line = java.util.regex.Pattern.compile("line (\\d+)").matcher(reason);
    return new LayoutException(file, line.find() ? OptionalInt.of(Integer.parseInt(line.group(1))) : OptionalInt.empty(),
        reason);
  }

  private static Path copy(String prefix, SortedMap<String, String> files) {
    try {
      Path copy = Files.createTempDirectory("fleetconf-ansible-");
      for (Map.Entry<String, String> file : files.entrySet()) {
        if (file.getKey().startsWith(prefix)) {
          Path target = copy.resolve(file.getKey().substring(prefix.length())).normalize();
          if (target.startsWith(copy)) { // a Git path has no "..", but a copy never leaves its directory
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
          }
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the inventory to a temporary directory", e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.getLogger(AnsibleRepositoryLayout.class.getName()).log(System.Logger.Level.WARNING,
          "cannot remove the temporary inventory copy " + dir + ": " + e.getMessage());
    }
  }
}
