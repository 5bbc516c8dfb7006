package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fixed competitor for the CPU: one {@code sh -c 'while :; do :; done'} process, pinned with
 * {@code taskset} to the machine's last CPU where taskset exists, at the default nice level. It
 * keeps that one core busy for as long as it runs and does nothing else (no memory, no I/O, no
 * syscalls), so the same load stands beside fleetconf's fan-out and etcd's. On 2 CPUs it takes
 * half the machine, as a neighbour on a shared VM or edge box would.
 */
final class BackgroundLoad implements AutoCloseable {
  private static final Path TASKSET = Path.of("/usr/bin/taskset");

  private final Process process;
  private final String description;

  private BackgroundLoad(Process process, String description) {
    this.process = process;
    this.description = description;
  }

  /** Starts the busy loop; close it to stop it. */
  static BackgroundLoad start() {
    int cpu = Runtime.getRuntime().availableProcessors() - 1;
    boolean pinned = Files.isExecutable(TASKSET);
    List<String> command = new ArrayList<>();
    if (pinned) {
      command.addAll(List.of(TASKSET.toString(), "-c", Integer.toString(cpu)));
    }
    command.addAll(List.of("sh", "-c", "while :; do :; done"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return new BackgroundLoad(process, "one `sh -c 'while :; do :; done'` busy loop"
          + (pinned ? " pinned to CPU " + cpu + " with taskset" : " (no taskset: not pinned)"));
    } catch (IOException e) {
      throw new BenchException("could not start the background busy loop: " + e.getMessage());
    }
  }

  /** What ran, for the report. */
  String description() {
    return description;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
