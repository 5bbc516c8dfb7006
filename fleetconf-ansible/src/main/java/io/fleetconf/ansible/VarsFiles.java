package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  Optional<ObjectNode> read(Path dir, String name) {
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
    for (Path file : found) {
      JsonNode data = load(file);
      if (data == null || data.isNull()) {
        continue;
      }
      if (!data.isObject()) {
        throw new AnsibleException(file + ": a vars file must be a mapping of variables");
      }
      vars.setAll((ObjectNode) data);
    }
    return Optional.of(vars);
  }

  private JsonNode load(Path file) {
    try {
      return AnsibleYaml.load(Files.readString(file, StandardCharsets.UTF_8), file, decryptor);
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
