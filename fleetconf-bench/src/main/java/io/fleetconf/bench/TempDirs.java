package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benches' temporary data directories (servers', etcd's), removed when a scenario ends. */
public final class TempDirs {
  private TempDirs() {}

  /** Deletes {@code dir} and everything in it, as far as it can; says on stderr if it could not. */
  public static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
