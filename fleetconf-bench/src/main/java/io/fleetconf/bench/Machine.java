package io.fleetconf.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the durable-writes figures were measured on: CPUs, memory, JDK, and the disk under a directory. */
public final class Machine {
  private static final int PROBE_SYNCS = 200;

  private Machine() {}

  /** This process's open-files limit (soft), from /proc/self/limits; -1 if unknown. */
  static long openFilesLimit() {
    try {
      return Files.readAllLines(Path.of("/proc/self/limits")).stream()
          .filter(line -> line.startsWith("Max open files"))
          .map(line -> line.substring("Max open files".length()).strip().split("\\s+")[0])
          .filter(limit -> limit.chars().allMatch(Character::isDigit))
          .mapToLong(Long::parseLong).findFirst().orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** CPUs, memory, kernel and JDK, one line each. */
  public static List<String> describe() {
    long cpus;
    String model;
    try {
      List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
      cpus = cpuinfo.stream().filter(line -> line.startsWith("processor")).count();
      model = cpuinfo.stream().filter(line -> line.startsWith("model name")).findFirst()
          .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown model");
    } catch (IOException e) {
      cpus = -1;
      model = "unknown model";
    }
    String nproc = command("nproc").orElse("unknown");
    return List.of(
        String.format("CPU: %s x %s (/proc/cpuinfo); `nproc` = %s; the JVM sees %d", cpus < 0 ? "?" : cpus, model,
            nproc, Runtime.getRuntime().availableProcessors()),
        "memory: " + memTotal() + "; " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        "JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor")
            + "), max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB",
        "load average at the start: " + loadAverage());
  }

  /**
   * The device, filesystem and mount options under {@code dir}, and whether the kernel calls the
   * device rotational (a virtual disk often says 1 whatever is behind it).
   */
  static String disk(Path dir) {
    Optional<String> mount = command("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "-T", dir.toString());
    if (mount.isEmpty()) {
      return dir + ": (findmnt failed)";
    }
    String[] fields = mount.get().split("\\s+");
    String device = fields[0];
    String rotational = "";
    if (device.startsWith("/dev/")) {
      String name = device.substring("/dev/".length()).replaceAll("p?[0-9]+$", "");
      for (String candidate : List.of(device.substring("/dev/".length()), name)) {
        Path flag = Path.of("/sys/block", candidate, "queue", "rotational");
        if (Files.isReadable(flag)) {
          try {
            rotational = ", /sys/block/" + candidate + "/queue/rotational=" + Files.readString(flag).strip();
          } catch (IOException e) {
            // left out
          }
          break;
        }
      }
    }
    return String.format("%s is on %s (%s%s, %s)", dir, device, fields.length > 1 ? fields[1] : "?", rotational,
        fields.length > 2 ? fields[2] : "");
  }

  /**
   * What one fdatasync costs in {@code dir}: {@value #PROBE_SYNCS} times, a 4 KiB append to a
   * file and {@code FileChannel.force(false)}, as a WAL commit does. Nanoseconds.
   */
  static Distribution syncProbe(Path dir) throws IOException {
    Path file = Files.createTempFile(dir, "sync-probe-", ".bin");
    long[] times = new long[PROBE_SYNCS];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      for (int i = 0; i < PROBE_SYNCS; i++) {
        block.clear();
        long start = System.nanoTime();
        channel.write(block);
        channel.force(false);
        times[i] = System.nanoTime() - start;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return Distribution.of(times);
  }

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
          .map(line -> String.format("%.1f GiB RAM",
              Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
          .findFirst().orElse("unknown RAM");
    } catch (IOException | NumberFormatException e) {
      return "unknown RAM";
    }
  }

  /** The first line a command prints, if it runs and succeeds within 10 s. */
  public static Optional<String> command(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroy();
        return Optional.empty();
      }
      return new String(out, StandardCharsets.UTF_8).lines().findFirst().map(String::strip);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
