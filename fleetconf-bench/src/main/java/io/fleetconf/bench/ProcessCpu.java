package io.fleetconf.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this JVM, for the bench's load generators to say what their own side cost. */
final class ProcessCpu {
  private ProcessCpu() {}

  /** User and system CPU time of this process so far, in nanoseconds. */
  static long nanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
