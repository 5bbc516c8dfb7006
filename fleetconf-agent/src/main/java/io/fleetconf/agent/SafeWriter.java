package io.fleetconf.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a file so that readers only ever see the old bytes or the new ones: stage a temp file in
 * the destination's directory, validate it, fsync, rename over the destination, fsync the
 * directory. The previous content is kept in the state directory so that a failed health check
 * can put it back.
 */
final class SafeWriter {
  private final Path backups;

  SafeWriter(Path stateDir) {
    this.backups = stateDir.resolve("previous");
  }

  /** The destination's current bytes, if it exists. */
  static Optional<byte[]> current(Path destination) throws IOException {
    return Files.exists(destination) ? Optional.of(Files.readAllBytes(destination)) : Optional.empty();
  }

  static boolean same(Optional<byte[]> current, byte[] next) {
    return current.isPresent() && Arrays.equals(current.get(), next);
  }

  /**
   * Writes {@code bytes} to a temp file beside {@code destination}, with its mode, fsynced. A file
   * that holds a secret keeps only the owner's bits of its mode (0644 becomes 0600).
   */
  Path stage(AgentConfig.Output output, byte[] bytes, boolean secret) throws IOException {
    return stage(output, bytes, wanted(output, secret));
  }

  /** The mode an output's file must have: its {@code mode} (0644 if none), only the owner's bits if it holds a secret. */
  private static Set<PosixFilePermission> wanted(AgentConfig.Output output, boolean secret) {
    String mode = output.mode().orElse("0644");
    if (secret) {
      mode = Integer.toOctalString(Integer.parseInt(mode, 8) & 0700);
    }
    return PosixFilePermissions.fromString(permissions(mode));
  }

  /**
   * Gives a destination whose bytes are already right the mode and owner {@link #stage} would have given it (a
   * file another tool wrote, a mode tightened in the config); true if it had to change either.
   */
  static boolean settle(AgentConfig.Output output, boolean secret) throws IOException {
    Path file = output.destination();
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    java.nio.file.attribute.PosixFileAttributes before = view.readAttributes();
    Set<PosixFilePermission> mode = wanted(output, secret);
    if (!before.permissions().equals(mode)) {
      view.setPermissions(mode);
    }
    if (output.owner().isPresent()) {
      setOwner(file, output.owner().get());
    }
    java.nio.file.attribute.PosixFileAttributes after = view.readAttributes();
    return !before.permissions().equals(mode) || !before.owner().equals(after.owner())
        || !before.group().equals(after.group());
  }

  /** Stages with exactly {@code permissions}; the temp file is the owner's alone until its bytes are synced. */
  private static Path stage(AgentConfig.Output output, byte[] bytes, Set<PosixFilePermission> permissions)
      throws IOException {
    Path dir = output.destination().toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + output.destination().getFileName() + ".", ".fleetconf-tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    writeSynced(temp, bytes);
    Files.setPosixFilePermissions(temp, permissions);
    if (output.owner().isPresent()) {
      setOwner(temp, output.owner().get());
    }
    return temp;
  }

  /**
   * Replaces {@code file} with {@code bytes} the same way, for the agent's own files (its key and
   * certificate): after a crash the file is whole or as it was, never empty.
   */
  static void replace(Path file, byte[] bytes, String permissions) throws IOException {
    Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName() + ".",
        ".fleetconf-tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    try {
      writeSynced(temp, bytes);
      swap(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Keeps the destination's current content (or notes its absence) for a revert. */
  void keepPrevious(AgentConfig.Output output) throws IOException {
    Files.createDirectories(backups);
    Path backup = backups.resolve(output.name());
    Path absent = backups.resolve(output.name() + ".absent");
    if (Files.exists(output.destination())) {
      Files.copy(output.destination(), backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      Files.deleteIfExists(absent);
    } else {
      Files.deleteIfExists(backup);
      Files.writeString(absent, "");
    }
  }

  /** Renames the staged file over the destination and syncs the directory entry. */
  static void swap(Path staged, Path destination) throws IOException {
    Files.move(staged, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(destination.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems refuse to open a directory; the rename is still atomic
    }
  }

  /**
   * Puts the kept previous content back (or removes the file if there was none), with the mode the
   * previous file had: the backup kept it, and only the previous content says whether it held a secret.
   */
  void revert(AgentConfig.Output output) throws IOException {
    Path backup = backups.resolve(output.name());
    if (Files.exists(backups.resolve(output.name() + ".absent"))) {
      Files.deleteIfExists(output.destination());
      return;
    }
    Path staged = stage(output, Files.readAllBytes(backup), Files.getPosixFilePermissions(backup));
    swap(staged, output.destination());
  }

  private static String permissions(String octal) {
    int bits = Integer.parseInt(octal, 8);
    StringBuilder out = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int part = (bits >> shift) & 7;
      out.append((part & 4) != 0 ? 'r' : '-').append((part & 2) != 0 ? 'w' : '-').append((part & 1) != 0 ? 'x' : '-');
    }
    return out.toString();
  }

  private static void setOwner(Path file, String owner) throws IOException {
    UserPrincipalLookupService lookup = file.getFileSystem().getUserPrincipalLookupService();
    String[] parts = owner.split(":", 2);
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (!parts[0].isEmpty()) {
      view.setOwner(lookup.lookupPrincipalByName(parts[0]));
    }
    if (parts.length == 2 && !parts[1].isEmpty()) {
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(parts[1]);
      view.setGroup(group);
    }
  }
}
