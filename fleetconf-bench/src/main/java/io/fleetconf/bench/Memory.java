package io.fleetconf.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's memory: heap in use after full collections, and the resident set from
 * {@code /proc/self/status} ({@code VmRSS}).
 *
 * @param heapBytes the least heap in use seen over a few {@code System.gc()} calls
 * @param rssBytes resident set size, or -1 where {@code /proc} is missing
 */
record Memory(long heapBytes, long rssBytes) {
  private static final int COLLECTIONS = 4;
  private static final long SETTLE_MS = 300;

  /** Collects a few times, letting reference processing and cleaners run in between. */
  static Memory settled() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < COLLECTIONS; i++) {
      System.gc();
      try {
        Thread.sleep(SETTLE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return new Memory(least, rss());
  }

  private static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or an unexpected format: reported as unknown
    }
    return -1;
  }
}
