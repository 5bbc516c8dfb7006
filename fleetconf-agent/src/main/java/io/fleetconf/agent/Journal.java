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
import java.util.Set;

/**
 * What the agent must not forget across a crash or reboot: actions made due by a file swap but
 * not yet run, and content that failed its health check (so it is not tried again in a loop).
 * Every change is written to disk, fsynced, before the step it guards.
 */
final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Set<String> pendingActions = new LinkedHashSet<>();
  private final Set<String> badContent = new LinkedHashSet<>();

  Journal(Path stateDir) {
    this.file = stateDir.resolve("journal.json");
    try {
      Files.createDirectories(stateDir);
      if (Files.exists(file)) {
        var doc = JSON.readTree(Files.readString(file));
        doc.path("pending_actions").forEach(a -> pendingActions.add(a.asText()));
        doc.path("bad_content").forEach(b -> badContent.add(b.asText()));
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

  /** True if this output's content (by hash) failed its health check before. */
  synchronized boolean isBad(String output, String hash) {
    return badContent.contains(output + "@" + hash);
  }

  synchronized void markBad(String output, String hash) {
    if (badContent.add(output + "@" + hash)) {
      save();
    }
  }

  private void save() {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode actions = doc.putArray("pending_actions");
    pendingActions.forEach(actions::add);
    ArrayNode bad = doc.putArray("bad_content");
    badContent.forEach(bad::add);
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(doc.toString().getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the agent journal " + file, e);
    }
  }
}
