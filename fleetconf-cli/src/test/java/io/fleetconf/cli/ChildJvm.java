package io.fleetconf.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a test's child JVM (an agent, a server, a one-shot CLI call) on this test's
 * classpath. Tuned for short runs on a small machine: C1 only and the serial collector cost a child
 * about a third less CPU at start, and the suite starts some hundred of them.
 */
final class ChildJvm {
  private static final List<String> TUNING = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChildJvm() {}

  /** {@code fleetconf ARGS} in a child JVM. */
  static List<String> fleetconf(String... args) {
    return command(List.of(), Main.class.getName(), args);
  }

  /** {@code mainClass ARGS} in a child JVM with {@code options} (such as {@code -Xmx96m}). */
  static List<String> command(List<String> options, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(TUNING);
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return command;
  }
}
