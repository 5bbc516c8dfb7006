package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.format.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A config file on the device (a service's old {@code .env}, {@code config.yaml}, properties or
 * JSON), read into the tree under a namespace. {@code .env} names are lower-cased, so that
 * {@code LOG_LEVEL} and the server's {@code log_level} are the same key.
 */
record LocalFile(Path path, String namespace) {

  ObjectNode read() throws IOException {
    Format format = formatOf(path);
    JsonNode parsed = format.parseAsTree(Files.readString(path));
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    if (namespace.isEmpty()) {
      if (!(parsed instanceof ObjectNode object)) {
        throw new ConfigException(path + " must hold a map of namespaces at its top level");
      }
      return object;
    }
    tree.set(namespace, parsed);
    return tree;
  }

  static Format formatOf(Path path) {
    return Format.ofFileName(path.getFileName().toString()).orElseThrow(() -> new ConfigException(
        "cannot tell the format of " + path + " from its name; use .env, .yaml, .json or .properties"));
  }
}
