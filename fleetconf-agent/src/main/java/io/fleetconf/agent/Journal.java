package io.fleetconf.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the agent must not forget across a crash or reboot: actions made due by a file swap but
 * not yet run, and which revision each output's file on disk was rendered at (and the one before,
 * for a revert), so that a report says what the device runs. Every change is written to disk,
 * fsynced, before the step it guards. Content that failed its health check is in {@link Failures}.
 */
final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Set<String> pendingActions = new LinkedHashSet<>();
  private final Map<String, Long> applied = new TreeMap<>();
  private final Map<String, Long> previous = new TreeMap<>();

  Journal(Path stateDir) {
    this.file = stateDir.resolve("journal.json");
    try {
      Files.createDirectories(stateDir);
      if (Files.exists(file)) {
        var doc = JSON.readTree(Files.readString(file));
        doc.path("pending_actions").forEach(a -> pendingActions.add(a.asText()));
        doc.path("applied").properties().forEach(e -> applied.put(e.getKey(), e.getValue().asLong()));
        doc.path("previous").properties().forEach(e -> previous.put(e.getKey(), e.getValue().asLong()));
      }
    } catch (IOException e) {
      throw new AgentException("cannot read the agent journal " + file + ": " + e.getMessage());
    }
  }

  synchronized Set<String> pendingActions() {
    return Set.copyOf(pendingActions);
  }

  synchronized void actionDue(String action) {
    if (pendingActions.add(action)) {
      save();
    }
  }

  synchronized void actionDone(String action) {
    if (pendingActions.remove(action)) {
      save();
    }
  }

  /** The revision the output's file on disk was rendered at, if the agent wrote or confirmed it. */
  synchronized Optional<Long> applied(String output) {
    return Optional.ofNullable(applied.get(output));
  }

  /** The file on disk is the rendering at {@code revision}. */
  synchronized void confirmed(String output, long revision) {
    if (!Long.valueOf(revision).equals(applied.put(output, revision))) {
      save();
    }
  }

  /** A new rendering at {@code revision} replaces the file; the one before is kept for a revert. */
  synchronized void swapped(String output, long revision) {
    Long before = applied.put(output, revision);
    if (before == null) {
      previous.remove(output);
    } else {
      previous.put(output, before);
    }
    save();
  }

  /** The file was put back to what it was before the last swap. */
  synchronized void reverted(String output) {
    Long before = previous.remove(output);
    if (before == null) {
      applied.remove(output);
    } else {
      applied.put(output, before);
    }
    save();
  }

  private void save() {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode actions = doc.putArray("pending_actions");
    pendingActions.forEach(actions::add);
    ObjectNode current = doc.putObject("applied");
    applied.forEach(current::put);
    ObjectNode before = doc.putObject("previous");
    previous.forEach(before::put);
    write(file, doc.toString());
  }

  /** Writes a small state file whole or not at all: a temp file, fsynced, renamed over it. */
  static void write(Path file, String text) {
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
