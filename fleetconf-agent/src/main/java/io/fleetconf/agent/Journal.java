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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the agent must not forget across a crash or reboot: actions made due by a file swap but
 * not yet run successfully, the outputs whose new file waits for its action (their service has not
 * loaded it), and which revision each output's file on disk was rendered at (and the one its
 * service last loaded, for a revert), so that a report says what the device runs. Every change is
 * written to disk, fsynced, before the step it guards. Content that failed its health check is in
 * {@link Failures}.
 */
final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Set<String> pendingActions = new LinkedHashSet<>();
  private final Map<String, String> awaiting = new TreeMap<>();
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
        doc.path("awaiting_action").properties().forEach(e -> awaiting.put(e.getKey(), e.getValue().asText()));
      }
    } catch (IOException e) {
      throw new AgentException("cannot read the agent journal " + file + ": " + e.getMessage());
    }
  }

  synchronized Set<String> pendingActions() {
    return Set.copyOf(pendingActions);
  }

  /** {@code output}'s new file is about to be swapped in: {@code action} must run for its service to load it. */
  synchronized void actionDue(String action, String output) {
    boolean added = pendingActions.add(action);
    if (!action.equals(awaiting.put(output, action)) || added) {
      save();
    }
  }

  /** The action ran and its service is healthy: the files that waited for it are loaded. */
  synchronized void actionDone(String action) {
    boolean removed = pendingActions.remove(action);
    if (awaiting.values().removeIf(action::equals) || removed) {
      save();
    }
  }

  /** The outputs whose file on disk waits for {@code action}: the ones a failed health check puts back. */
  synchronized List<String> awaiting(String action) {
    return awaiting.entrySet().stream().filter(e -> e.getValue().equals(action)).map(Map.Entry::getKey).toList();
  }

  /** Whether the output's file on disk was swapped in and its service has not loaded it yet. */
  synchronized boolean awaitsAction(String output) {
    return awaiting.containsKey(output);
  }

  /** The revision the output's file on disk was rendered at, if the agent wrote or confirmed it. */
  synchronized Optional<Long> applied(String output) {
    return Optional.ofNullable(applied.get(output));
  }

  /**
   * The revision the output's service runs: the file's, or while the file waits for its action,
   * the revision of the one before (unknown if there was none).
   */
  synchronized Optional<Long> running(String output) {
    return awaiting.containsKey(output) ? Optional.ofNullable(previous.get(output)) : applied(output);
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
    awaiting.remove(output);
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
    ObjectNode waiting = doc.putObject("awaiting_action");
    awaiting.forEach(waiting::put);
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
