package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What holds an agent's memory: the JVM's native memory tracking summary ({@code jcmd PID
 * VM.native_memory summary}), the totals of {@code /proc/PID/smaps_rollup}, and the resident size
 * of its largest mappings by file (libjvm.so, the class-data archive, the jar...) or kind.
 */
final class AgentMemory {
  private AgentMemory() {}

  static void print(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process nmt = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
        .redirectErrorStream(true).start();
    System.out.println(new String(nmt.getInputStream().readAllBytes()));
    nmt.waitFor();
    System.out.println("smaps_rollup:");
    Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup")).stream().skip(1).limit(12)
        .forEach(line -> System.out.println("  " + line));
    System.out.println("largest resident mappings (KiB):");
    mappings(pid).entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
        .forEach(e -> System.out.printf("  %8d  %s%n", e.getValue(), e.getKey()));
  }

  /** Resident KiB by mapped file, or by kind for anonymous memory ({@code [heap]}, {@code [anon]}). */
  private static Map<String, Long> mappings(long pid) throws IOException {
    Map<String, Long> rss = new LinkedHashMap<>();
    String name = "[anon]";
    List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/smaps"));
    for (String line : lines) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 0 && fields[0].matches("[0-9a-f]+-[0-9a-f]+")) {
        name = fields.length >= 6 ? fields[5] : "[anon]";
      } else if (fields[0].equals("Rss:")) {
        rss.merge(name, Long.parseLong(fields[1]), Long::sum);
      }
    }
    return rss;
  }
}
