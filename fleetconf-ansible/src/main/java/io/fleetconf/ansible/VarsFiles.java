package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * group_vars/ and host_vars/ as Ansible's host_group_vars plugin finds them: the first of
 * {@code <name>}, {@code <name>.yml}, {@code .yaml}, {@code .json} that exists; a directory is
 * every file in it (sorted, recursively, no hidden or backup files, extensions as above or none).
 */
final class VarsFiles {
  private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");
  private final Decryptor decryptor;

  VarsFiles(Decryptor decryptor) {
    this.decryptor = decryptor;
  }

  /** A group's or host's variables from its files, and the names of those whose value holds a vaulted value. */
  record Vars(ObjectNode vars, Set<String> vaulted) {}

  Optional<Vars> read(Path dir, String name) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> found = new ArrayList<>();
    for (String extension : EXTENSIONS) {
      Path path = dir.resolve(name + extension);
      if (Files.exists(path)) {
        if (Files.isDirectory(path)) {
          found.addAll(filesIn(path));
        } else {
          found.add(path);
        }
        break;
      }
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    Set<String> vaulted = new LinkedHashSet<>();
    for (Path file : found) {
      String text = readText(file);
      VaultedYaml data = decryptor.read(text, file);
      if (data.tree().isNull()) {
        continue;
      }
      if (!data.tree().isObject()) {
        throw new AnsibleException(file + ": a vars file must be a mapping of variables");
      }
      // A later file replaces a variable whole, vaulted or not.
      data.tree().fieldNames().forEachRemaining(vaulted::remove);
      vars.setAll((ObjectNode) data.tree());
      if (Vault.isEncrypted(text)) {
        data.tree().fieldNames().forEachRemaining(vaulted::add);
      }
      data.vaulted().forEach(pointer -> vaulted.add(pointer.getMatchingProperty()));
    }
    return Optional.of(new Vars(vars, vaulted));
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> filesIn(Path dir) {
    List<Path> found = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".") || name.endsWith("~")) {
        continue;
      }
      int dot = name.lastIndexOf('.');
      String extension = dot > 0 ? name.substring(dot) : "";
      if (Files.isDirectory(entry) && extension.isEmpty()) {
        found.addAll(filesIn(entry));
      } else if (Files.isRegularFile(entry) && EXTENSIONS.contains(extension)) {
        found.add(entry);
      }
    }
    return found;
  }
}
