package io.fleetconf.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of {@link DatabaseRestartTest}'s own in a directory under /tmp, on a free port, with its
 * socket in the directory. PostgreSQL refuses to run as root, so every command runs as
 * {@code postgres}, which must own the directory.
 */
final class PrivateCluster implements AutoCloseable {
  /** Where the tests expect PostgreSQL 15's programs (Debian's and Ubuntu's packages put them there). */
  static final Path POSTGRES_BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String USER = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private final Path data;
  private final int port;
  private boolean running;

  private PrivateCluster(Path data, int port) {
    this.data = data;
    this.port = port;
  }

  static Optional<Path> runuser() {
    return Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")
        .map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Makes and initialises the cluster's directory; {@link #close()} removes it. */
  static PrivateCluster create() throws IOException, InterruptedException {
    Path data = Files.createTempDirectory(Path.of("/tmp"), "fleetconf-pg-");
    PrivateCluster cluster = new PrivateCluster(data, freePort());
    try {
      UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(data, users.lookupPrincipalByName(USER));
      Files.getFileAttributeView(data, PosixFileAttributeView.class)
          .setGroup(users.lookupPrincipalByGroupName(USER));
      cluster.postgres("initdb", "-D", data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync");
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  String storeUrl() {
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/postgres";
  }

  void start() throws IOException, InterruptedException {
    running = true; // from here on, close() stops it even if the start failed half-way
    postgres("pg_ctl", "-D", data.toString(), "-l", data.resolve("log").toString(), "-w", "-t", "30",
        "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1", "start");
  }

  /** A fast shutdown: clients are disconnected at once, as when a database is restarted. */
  void stop() throws IOException, InterruptedException {
    postgres("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop");
    running = false;
  }

  /** Stops the cluster if it runs, and deletes its directory. */
  @Override
  public void close() {
    try {
      if (running) {
        stop();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("could not stop the private PostgreSQL in " + data + ": " + e.getMessage());
    } finally {
      delete(data);
    }
  }

  private void postgres(String program, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(runuser().orElseThrow().toString(), "-u", USER, "--",
        POSTGRES_BIN.resolve(program).toString()));
    command.addAll(List.of(arguments));
    // Output to a file, not a pipe: the server pg_ctl leaves running would hold a pipe open.
    Path output = Files.createTempFile("fleetconf-pg-command", ".log");
    try {
      Process process = new ProcessBuilder(command).directory(Path.of("/tmp").toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(program + " took over " + COMMAND_TIMEOUT + ": " + read(output));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(program + " failed (exit " + process.exitValue() + "): " + read(output)
            + serverLog());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String serverLog() {
    Path log = data.resolve("log");
    return Files.exists(log) ? "\nserver log:\n" + read(log) : "";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void delete(Path root) {
    if (Files.notExists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the private PostgreSQL in " + root, e);
    }
  }
}
