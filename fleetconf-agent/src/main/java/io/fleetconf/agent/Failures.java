package io.fleetconf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content that failed its health check and was reverted, one file per output under
 * {@code <state_dir>/failed/}, so that it is not tried again in a loop, across restarts. A mark
 * holds only while the output renders the same bytes from the same namespace values: any change
 * to the namespace gets a fresh try, and {@code fleetconf agent retry} deletes marks (the files
 * are read at every pass, so a running agent sees that at its next pass).
 */
final class Failures {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A reverted content: the output's bytes and its namespace's values, by hash, and why it failed. */
  record Mark(String hash, String namespaceHash, String reason) {}

  private final Path dir;

  Failures(Path stateDir) {
    this.dir = stateDir.resolve("failed");
  }

  private Path file(String output) {
    return dir.resolve(URLEncoder.encode(output, StandardCharsets.UTF_8) + ".json");
  }

  Optional<Mark> mark(String output) {
    Path file = file(output);
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      JsonNode doc = JSON.readTree(Files.readString(file));
      return Optional.of(new Mark(doc.path("hash").asText(), doc.path("namespace_hash").asText(),
          doc.path("reason").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  void mark(String output, Mark mark) {
    Path file = file(output);
    var doc = JSON.createObjectNode().put("hash", mark.hash()).put("namespace_hash", mark.namespaceHash())
        .put("reason", mark.reason());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + dir, e);
    }
    Journal.write(file, doc.toString());
  }

  /** Forgets the output's mark; true if there was one. */
  boolean clear(String output) {
    try {
      return Files.deleteIfExists(file(output));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(output), e);
    }
  }
}
