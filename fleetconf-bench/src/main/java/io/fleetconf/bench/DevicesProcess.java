package io.fleetconf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bench's handle on the {@link Devices} JVM: one text line per message each way.
 *
 * <pre>{@code
 * devices: done 0 <nanos>           every device has its first answer and a long-poll out (with
 *                                   transport sse: its event stream open)
 * bench:   expect <rev> <value> measured|warmup
 * devices: armed <rev>              its clock for the round started just before this line
 * devices: done <rev> <nanos>       every device has <rev> (slowest delivery) and polls again
 * bench:   expect-some <rev> <namespace/key> <value> <i,j,...> measured|warmup
 *                                   the same for the devices numbered i, j, ... from 0 only: they
 *                                   must see <value> at <namespace/key>; done when all of them have
 *                                   <rev>; any other device answered before its wait ran out counts
 *                                   as unexpected
 * bench:   status                   devices: status <rev> <have> <of>
 * bench:   summary                  devices: problem <times> <kind>, one per kind, then
 *                                   summary <count> <p50> <p99> <max> <problems> <stale> <unexpected>
 *                                   <cpu>, cpu: the devices JVM's CPU nanoseconds over the measured
 *                                   rounds, each from armed to done
 * bench:   quit
 * }</pre>
 */
final class DevicesProcess implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private static final Set<String> VERBS = Set.of("armed", "done", "status", "problem", "summary");
  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private DevicesProcess(Process process) {
    this.process = process;
    this.in = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
    Thread.ofVirtual().name("devices-stdout").start(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("io-error " + e);
      }
      lines.add(EOF);
    });
  }

  /** Starts {@code count} devices in a new JVM from this one's class path; its stderr is ours. */
  static DevicesProcess start(URI server, String token, int count, Duration wait, Transport transport) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    // FLEETCONF_BENCH_DEVICES_JAVA_OPTS: JVM options for the devices JVM, e.g. to profile it.
    String options = System.getenv().getOrDefault("FLEETCONF_BENCH_DEVICES_JAVA_OPTS", "").strip();
    if (!options.isEmpty()) {
      command.addAll(List.of(options.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        Devices.class.getName(), server.toString(), token, Integer.toString(count), Long.toString(wait.toSeconds()),
        transport.label()));
    try {
      return new DevicesProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the devices process: " + command, e);
    }
  }

  void send(String line) {
    in.println(line);
    if (in.checkError()) {
      throw new BenchException("the devices process no longer reads its input" + exitNote());
    }
  }

  /** The fields of the next line, which must start with {@code verb}. */
  String[] await(String verb, Duration timeout) {
    String line = next(verb, timeout);
    String[] fields = line.split(" ", -1);
    if (!fields[0].equals(verb)) {
      throw new BenchException("expected '" + verb + "' from the devices process, got '" + line + "'");
    }
    return fields;
  }

  /**
   * Waits for every device to have revision {@code expected} ({@code done}); returns the slowest
   * delivery in nanoseconds.
   */
  long awaitDone(long expected, Duration timeout) {
    String[] done;
    try {
      done = await("done", timeout);
    } catch (BenchTimeout e) {
      throw new BenchException("round for revision " + expected + " did not finish in " + timeout.toSeconds()
          + " s: " + status());
    }
    if (Long.parseLong(done[1]) != expected) {
      throw new BenchException("the devices process finished revision " + done[1] + ", expected " + expected);
    }
    return Long.parseLong(done[2]);
  }

  /** The fields of the next line, whatever it is; {@code what} names it in errors. */
  String[] any(String what, Duration timeout) {
    return next(what, timeout).split(" ", -1);
  }

  /** Asks how far the current round got; for error messages, so it never throws. */
  String status() {
    try {
      send("status");
      String line;
      do {
        line = next("status", Duration.ofSeconds(10));
      } while (!line.startsWith("status "));
      String[] fields = line.split(" ");
      return fields[2] + " of " + fields[3] + " devices had revision " + fields[1] + " and polled again";
    } catch (RuntimeException e) {
      return "(no status: " + e.getMessage() + ")";
    }
  }

  /** The next protocol line; anything else on the child's stdout (a JVM's own notes) is passed to stderr. */
  private String next(String verb, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line;
      try {
        line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchException("interrupted while waiting for '" + verb + "' from the devices process");
      }
      if (line == null) {
        throw new BenchTimeout("no '" + verb + "' from the devices process within " + timeout.toSeconds() + " s");
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new BenchException("the devices process ended while the bench waited for '" + verb + "'" + exitNote());
      }
      if (VERBS.contains(line.split(" ", 2)[0])) {
        return line;
      }
      System.err.println("devices: " + line);
    }
  }

  private String exitNote() {
    try {
      if (process.waitFor(2, TimeUnit.SECONDS)) {
        return " (exit status " + process.exitValue() + ")";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      in.println("quit");
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
