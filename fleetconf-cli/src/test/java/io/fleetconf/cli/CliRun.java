package io.fleetconf.cli;

import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the fleetconf command in this JVM against a test server, with its address and admin token unless given. */
record CliRun(int status, String out, String err) {
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static CliRun fleetconf(TestServer server, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    boolean ownToken = List.of(args).stream().anyMatch(arg -> arg.equals("--token") || arg.startsWith("--token="));
    if (!ownToken && args.length > 0 && talksToServer(args)) {
      all.add("--addr=" + server.uri());
      all.add("--token=" + server.token());
    }
    int status = commandLine.execute(all.toArray(String[]::new));
    return new CliRun(status, out.toString(), err.toString());
  }

  /** Whether the verb takes --addr; a line that does not parse is given one unless it starts a server. */
  private static boolean talksToServer(String... args) {
    try {
      List<picocli.CommandLine> parsed = Main.commandLine().parseArgs(args).asCommandLineList();
      return parsed.get(parsed.size() - 1).getCommandSpec().findOption("--addr") != null;
    } catch (picocli.CommandLine.ParameterException e) {
      return !args[0].equals("server");
    }
  }

  /**
   * What the fleetconf jar holds: this module's classes and its runtime classpath, without the
   * test-scoped jars of the test classpath (a Kubernetes model jar declared for tests only once
   * kept fabric8's model out of the jar, and {@code k8s sync} failed there at start).
   */
  static String shippedClasspath() throws java.io.IOException {
    return java.nio.file.Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
        + java.nio.file.Files.readString(java.nio.file.Path.of("target", "runtime-classpath.txt")).strip();
  }
}
