package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Revision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The last good server config on disk: written whole or not at all (temp file, fsync, rename),
 * with a SHA-256 of its content so that a torn or edited file is ignored rather than trusted.
 */
final class DiskCache {
  private static final System.Logger LOG = System.getLogger(DiskCache.class.getName());

  /** A cached server config, as of a revision. */
  record Cached(Revision revision, ObjectNode config, java.util.List<String> secrets) {}

  private final Path file;

  DiskCache(Path directory, String deviceId) {
    this.file = directory.resolve(deviceId + ".json");
  }

  Path file() {
    return file;
  }

  Optional<Cached> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode doc = io.fleetconf.format.Json.read(Files.readString(file)); // numbers as the server wrote them
      JsonNode config = doc.get("config");
      if (!(config instanceof ObjectNode tree) || !sha256(tree.toString()).equals(doc.path("sha256").asText())) {
        LOG.log(System.Logger.Level.WARNING, "ignoring the config cache " + file + ": its checksum does not match");
        return Optional.empty();
      }
      java.util.List<String> secrets = new java.util.ArrayList<>();
      doc.path("secrets").forEach(path -> secrets.add(path.asText()));
      return Optional.of(new Cached(Revision.of(doc.path("revision").asLong()), tree, secrets));
    } catch (IOException | io.fleetconf.core.InvalidInputException e) { // malformed JSON, a negative revision
      LOG.log(System.Logger.Level.WARNING, "ignoring the config cache " + file + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  void save(Revision revision, ObjectNode config, java.util.List<String> secrets) throws IOException {
    ObjectNode doc = Config.JSON.createObjectNode();
    doc.put("revision", revision.value());
    secrets.forEach(doc.putArray("secrets")::add);
    doc.put("sha256", sha256(config.toString()));
    doc.set("config", config);
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(doc.toString().getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
