package io.fleetconf.cli;

import io.fleetconf.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code fleetconf server} in a child JVM, on plain HTTP and a free port, with no rate limits:
 * started and waited for until it says it listens, then killed with SIGKILL. Its stdout and stderr
 * go to a log file of its own, so that a failure can show what it said.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("fleetconf server listening on (\\S+)");
  /** The start banner's last line: once it is in the log, so is everything the start printed. */
  private static final Pattern BANNER_END = Pattern.compile("(?m)^try:  export ");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** The exit status the JDK gives a process that SIGKILL ended (128 + 9). */
  static final int KILLED_BY_SIGKILL = 137;

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private volatile URI uri;

  private ServerProcess(Process process, Path dataDir, Path log) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
  }

  /**
   * Starts a server on {@code dataDir} with {@code extra} options (e.g. {@code --store}), logging to
   * {@code log} (a new file), and waits until it listens and has printed its whole start banner. It joins {@code started} before the wait,
   * so that whoever keeps that list kills it even if it never comes up.
   */
  static ServerProcess start(List<ServerProcess> started, Path dataDir, Path log, String... extra)
      throws IOException, InterruptedException {
    ServerProcess server = launch(dataDir, log, extra);
    started.add(server);
    server.awaitListening();
    return server;
  }

  /**
   * Starts a server on {@code dataDir} that should refuse to start, and waits for it to exit;
   * answers its exit status, and its output is in {@link #log()}.
   */
  static ServerProcess refusedStart(List<ServerProcess> started, Path dataDir, Path log, String... extra)
      throws IOException, InterruptedException {
    ServerProcess server = launch(dataDir, log, extra);
    started.add(server);
    if (!server.process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server did not exit within " + START_TIMEOUT + ":\n" + server.log());
    }
    return server;
  }

  /** Starts a server on {@code dataDir} and waits for nothing: for a test that reads what it prints itself. */
  static ServerProcess launched(List<ServerProcess> started, Path dataDir, Path log, String... extra) throws IOException {
    ServerProcess server = launch(dataDir, log, extra);
    started.add(server);
    return server;
  }

  private static ServerProcess launch(Path dataDir, Path log, String... extra) throws IOException {
    List<String> command = new ArrayList<>(ChildJvm.fleetconf("server",
        "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(), "--insecure-http",
        "--rate-limit", "0", "--address-rate-limit", "0", "--max-watches", "10000"));
    command.addAll(List.of(extra));
    Files.deleteIfExists(log);
    return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start(), dataDir, log);
  }

  /** The exit status of a server that has exited. */
  int exitValue() {
    return process.exitValue();
  }

  private void awaitListening() {
    Eventually.eventually(START_TIMEOUT, () -> "the server listening:\n" + log(), () -> {
      String text = log();
      Matcher matcher = LISTENING.matcher(text);
      if (matcher.find() && BANNER_END.matcher(text).find()) {
        uri = URI.create(matcher.group(1));
        return true;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with " + process.exitValue() + " before listening:\n" + text);
      }
      return false;
    });
  }

  URI uri() {
    return uri;
  }

  long pid() {
    return process.pid();
  }

  /** The admin token the first start on the data directory wrote there. */
  String adminToken() throws IOException {
    return Files.readString(dataDir.resolve("admin.token"), StandardCharsets.UTF_8).strip();
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Kills the server with SIGKILL ({@link Process#destroyForcibly()} sends it on Linux: no shutdown
   * hook runs, nothing is flushed or closed) and waits for it to die. Answers its exit status:
   * {@value #KILLED_BY_SIGKILL} if SIGKILL ended it.
   */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server " + process.pid() + " survived SIGKILL for 30 s");
    }
    return process.exitValue();
  }

  /** Kills the server if it still runs: the clean-up after a test, whatever happened in it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
