package io.fleetconf.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that after a crash or power loss it holds either its old bytes or all of the
 * new ones: a temp file beside it, fsynced, renamed over it, then the directory fsynced so the
 * rename itself survives. Every key, certificate and token file goes through here before anything
 * (a store row, a client) depends on it. It lives in the store module because the master key is
 * the first such file and every module that writes one (server, CLI) already depends on this one.
 */
public final class DurableFile {
  /** Who may read the file. */
  public enum Mode {
    /** 0600: keys and tokens. */
    OWNER_ONLY("rw-------"),
    /** 0644: certificates. */
    PUBLIC("rw-r--r--");

    private final String permissions;

    Mode(String permissions) {
      this.permissions = permissions;
    }
  }

  private DurableFile() {}

  /** Replaces {@code file} with {@code bytes}, durably; the parent directory must exist. */
  public static void write(Path file, byte[] bytes, Mode mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode.permissions)));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
  }

  /** Makes the directory's entries (a rename, a new file) survive a power loss. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
