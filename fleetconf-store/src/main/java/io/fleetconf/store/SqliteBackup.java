package io.fleetconf.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Backup and restore of the embedded store, the SQLite file in a server's data directory.
 *
 * <p>A backup is {@code VACUUM INTO} a new file on a connection of its own: SQLite reads the
 * database in one read transaction, which in WAL mode sees one committed state and neither waits
 * for nor holds up the running server's commits. The new file is compact (no free pages, so no
 * leftovers of values sealed later), needs no {@code -wal} file, and is fsynced before the backup
 * counts as done.
 *
 * <p>A restore puts such a file in place of the store while no server runs on it; whether one does
 * is told by SQLite's own locks (see {@link #inUse}).
 */
public final class SqliteBackup {
  /** The suffix of the store that a restore replaced, kept beside it. */
  public static final String BEFORE_RESTORE = ".before-restore";
  private static final String RESTORING = ".restoring";
  private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");

  private SqliteBackup() {}

  /** What a restore did: what the store holds now, and where the store it replaced went. */
  public record Restored(StoreCopy.Contents contents, Optional<Path> previous) {}

  /**
   * Writes a consistent copy of the store in {@code store} to {@code to}, a new file (mode 0600: it
   * holds token hashes and sealed secrets), while a server may be running on the store.
   *
   * @return what the backup holds
   * @throws StoreException if there is no store, {@code to} exists, or SQLite fails
   */
  public static StoreCopy.Contents backup(Path store, Path to) {
    if (!Files.isRegularFile(store)) {
      throw new StoreException("there is no store at " + store + " to back up");
    }
    Path parent = to.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new StoreException("cannot write the backup " + to + ": the directory " + parent + " does not exist");
    }
    createPrivate(to, "a backup never overwrites a file: choose a new name");
    boolean done = false;
    try {
      try (Connection connection = open(store)) {
        requireStore(connection, store);
        // VACUUM INTO fills an existing file only if it is empty, as the one made above is.
        try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
          vacuum.setString(1, to.toAbsolutePath().toString());
          vacuum.execute();
        }
      }
      fsync(to);
      fsyncDirectory(to);
      StoreCopy.Contents contents = check(to, to);
      done = true;
      return contents;
    } catch (SQLException e) {
      throw new StoreException("cannot back up " + store + " to " + to + ": " + e.getMessage(), e);
    } finally {
      if (!done) {
        deleteQuietly(to);
      }
    }
  }

  /**
   * Puts the backup {@code backup} in place as the store {@code store}. The file is copied next to
   * the store, checked and brought to this version's schema there, and only then renamed into
   * place, so that a failed restore leaves the store as it was. An existing store is replaced only
   * with {@code replace}, and only if no server has it open; it is kept as
   * {@code <store>.before-restore}.
   *
   * @throws StoreException if the backup is not a sound store, a server runs on the store, or a
   *     store is there and {@code replace} is false
   */
  public static Restored restore(Path backup, Path store, boolean replace) {
    if (!Files.isRegularFile(backup)) {
      throw new StoreException("there is no backup file " + backup);
    }
    if (nonEmpty(sibling(backup, "-wal"))) {
      throw new StoreException(backup + " has a write-ahead log beside it (" + sibling(backup, "-wal").getFileName()
          + "): it is a live database, not a backup; make one with fleetconf backup");
    }
    boolean existing = Files.exists(store) || Files.exists(sibling(store, "-wal"));
    Path previous = sibling(store, BEFORE_RESTORE);
    if (existing) {
      if (!replace) {
        throw new StoreException("there is a store at " + store + " already; replace it explicitly");
      }
      if (inUse(store)) {
        throw new StoreException(runningMessage(store));
      }
      if (Files.exists(previous)) {
        throw new StoreException(previous + " exists, from an earlier restore; move it away first");
      }
    }
    Path restoring = sibling(store, RESTORING);
    // A leftover of an interrupted restore: ours by its name, and never a store a server runs on.
    deleteWithCompanions(restoring);
    createPrivate(restoring, "cannot stage the restore");
    boolean done = false;
    try {
      try (InputStream in = Files.newInputStream(backup);
          FileChannel out = FileChannel.open(restoring, StandardOpenOption.WRITE)) {
        in.transferTo(Channels.newOutputStream(out));
        out.force(true);
      }
      check(restoring, backup);
      // Opening it as the server would migrates an older backup's schema and refuses a newer one.
      StoreCopy.Contents contents;
      try (JdbcStore staged = JdbcStore.openSqlite(restoring)) {
        contents = staged.inTransaction(connection -> StoreCopy.contents(connection, StoreCopy.schemaTables()));
      } catch (StoreException e) {
        throw new StoreException("cannot restore " + backup + ": " + e.getMessage(), e);
      }
      if (Files.exists(sibling(restoring, "-wal"))) {
        throw new StoreException("the staged restore " + restoring + " kept a write-ahead log after closing");
      }
      fsync(restoring);
      Optional<Path> kept = Optional.empty();
      if (existing) {
        // Asked again just before the move: a server may have started since the first look.
        if (inUse(store)) {
          throw new StoreException(runningMessage(store));
        }
        move(store, previous);
        for (String companion : COMPANIONS) {
          move(sibling(store, companion), sibling(previous, companion));
        }
        kept = Optional.of(previous);
      }
      Files.move(restoring, store, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(store);
      done = true;
      COMPANIONS.forEach(companion -> deleteQuietly(sibling(restoring, companion)));
      return new Restored(contents, kept);
    } catch (IOException e) {
      throw new StoreException("cannot restore " + backup + " to " + store + ": " + e, e);
    } finally {
      if (!done) {
        deleteWithCompanions(restoring);
      }
    }
  }

  /**
   * True if a process, such as a running server, has the store open. The server keeps its one
   * connection for its whole life, and a WAL-mode connection holds a shared lock on the database
   * file while open; an exclusive lock, asked for without waiting, is refused exactly then. The
   * probe is SQLite's own locking, so it sees servers in other processes and in this one alike.
   */
  public static boolean inUse(Path store) {
    if (!Files.exists(store)) {
      return false;
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + store.toAbsolutePath());
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=0");
      statement.execute("PRAGMA locking_mode=EXCLUSIVE");
      try {
        statement.execute("BEGIN EXCLUSIVE");
        statement.execute("COMMIT");
        return false;
      } catch (SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == 5 || primary == 6) { // SQLITE_BUSY, SQLITE_LOCKED
          return true;
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot tell whether a server has " + store + " open: " + e.getMessage(), e);
    }
  }

  /** Checks that {@code file} (errors call it {@code name}) is a sound fleetconf store and says what it holds. */
  private static StoreCopy.Contents check(Path file, Path name) {
    try (Connection connection = open(file)) {
      requireStore(connection, name);
      try (Statement statement = connection.createStatement();
          var rows = statement.executeQuery("PRAGMA integrity_check")) {
        StringBuilder problems = new StringBuilder();
        while (rows.next()) {
          if (!rows.getString(1).equals("ok")) {
            problems.append(problems.isEmpty() ? "" : "; ").append(rows.getString(1));
          }
        }
        if (!problems.isEmpty()) {
          throw new StoreException(name + " is damaged: " + problems);
        }
      }
      // A store of an older schema may lack later tables; count the ones it has.
      List<String> present = new java.util.ArrayList<>();
      for (String table : StoreCopy.schemaTables()) {
        if (hasTable(connection, table)) {
          present.add(table);
        }
      }
      return StoreCopy.contents(connection, present);
    } catch (SQLException e) {
      throw new StoreException(name + " is not a readable SQLite database: " + e.getMessage(), e);
    }
  }

  private static Connection open(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=5000");
    }
    return connection;
  }

  private static void requireStore(Connection connection, Path file) throws SQLException {
    if (!hasTable(connection, "schema_version") || !hasTable(connection, "change_sets")) {
      throw new StoreException(file + " is not a fleetconf store (it has no schema_version or change_sets table)");
    }
  }

  private static boolean hasTable(Connection connection, String table) throws SQLException {
    return !Statements.query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
        List.of(table), rows -> rows.getString(1)).isEmpty();
  }

  private static String runningMessage(Path store) {
    return "a server is running on " + store + " (SQLite reports the database locked): stop it before restoring";
  }

  private static void createPrivate(Path file, String whenExists) {
    try {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new StoreException(file + " already exists; " + whenExists);
    } catch (IOException e) {
      throw new StoreException("cannot create " + file + ": " + e, e);
    }
  }

  private static void fsync(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    } catch (IOException e) {
      throw new StoreException("cannot sync " + file + " to disk: " + e, e);
    }
  }

  /** Makes the new name durable too; some platforms cannot open a directory, and there this is skipped. */
  private static void fsyncDirectory(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory; its file system orders the metadata itself.
    }
  }

  private static void move(Path from, Path to) throws IOException {
    if (Files.exists(from)) {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static boolean nonEmpty(Path file) {
    try {
      return Files.size(file) > 0;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static void deleteWithCompanions(Path file) {
    deleteQuietly(file);
    COMPANIONS.forEach(companion -> deleteQuietly(sibling(file, companion)));
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // leaving a partial file behind is the lesser harm; its name says what it is
    }
  }
}
