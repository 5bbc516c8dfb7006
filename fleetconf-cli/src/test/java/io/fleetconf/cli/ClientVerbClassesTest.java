package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 21 item 2: a client verb starts only what it needs; the root registers verbs on demand. */
class ClientVerbClassesTest {
  private static final List<String> SERVER_SIDE = List.of("io.fleetconf.server.", "io.fleetconf.store.", "io.netty.",
      "org.sqlite.", "org.postgresql.", "org.eclipse.jgit.", "io.fabric8.");
  /** HttpClient and the JDK's TLS: a call over plain HTTP needs neither (HttpURLConnection; TLS only for https). */
  private static final List<String> NOT_FOR_PLAIN_HTTP = List.of("java.net.http.", "jdk.internal.net.http.",
      "sun.security.ssl.");

  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  @Test
  void kvPutAndGetInTheirOwnJvmLoadNoServerStoreNettyJdbcHttpClientOrTlsClass() throws Exception {
    assertThat(run("put", "kv", "put", "global/app/ratio", "1.10")).isEqualTo("revision 1: global/app/ratio\n");
    assertThat(run("get", "kv", "get", "global/app/ratio")).contains("1.10");
    for (String verb : List.of("put", "get")) {
      List<String> loaded = Files.readAllLines(dir.resolve(verb + ".classes"));
      assertThat(loaded).as("the class log of kv " + verb).anyMatch(line -> line.contains(" io.fleetconf.cli.KvCommand"));
      assertThat(loaded).filteredOn(line -> SERVER_SIDE.stream().anyMatch(prefix -> line.contains(" " + prefix)))
          .as("server-side classes kv " + verb + " loaded").isEmpty();
      assertThat(loaded).filteredOn(line -> NOT_FOR_PLAIN_HTTP.stream().anyMatch(prefix -> line.contains(" " + prefix)))
          .as("HttpClient or TLS classes kv " + verb + " loaded over http").isEmpty();
    }
  }

  /**
   * HttpsURLConnection's constructor takes the JDK's default socket factory, whose context reads and parses the
   * JDK's whole trust store, unless a default was set: the CLI sets its own, made from --ca-file, first.
   */
  @Test
  void kvPutOverTlsWithACaFileDoesNotBuildTheJdksDefaultTlsContext() throws Exception {
    try (TestServer tlsServer = TestServer.startTls(dir.resolve("tls-data"))) {
      assertThat(run(tlsServer, "tls-put", "kv", "put", "global/app/ratio", "1.10", "--ca-file",
          tlsServer.caFile().toString())).isEqualTo("revision 1: global/app/ratio\n");
    }
    List<String> loaded = Files.readAllLines(dir.resolve("tls-put.classes"));
    assertThat(loaded).as("the class log").anyMatch(line -> line.contains(" sun.security.ssl.SSLSocketImpl "));
    assertThat(loaded).as("the class log")
        .noneMatch(line -> line.contains(" sun.security.ssl.SSLContextImpl$DefaultSSLContext "));
  }

  @Test
  void helpStillListsEveryVerb() {
    StringWriter out = new StringWriter();
    var commandLine = Main.commandLine(new String[] {"--help"});
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute("--help")).isZero();
    for (String verb : Main.VERBS) {
      assertThat(out.toString()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(verb) + " ");
    }
  }

  @Test
  void aVerbOnTheCommandLineIsTheOnlyOneRegistered() {
    assertThat(Main.commandLine(new String[] {"kv", "get", "global/app/ratio"}).getSubcommands().keySet())
        .containsExactly("kv", "help");
    assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands().keySet()).containsExactly("help");
    assertThat(Main.commandLine(new String[] {"completion", "bash"}).getSubcommands().keySet())
        .hasSize(Main.VERBS.size() + 1);
  }

  @Test
  void aVerbsOwnVerbOnTheCommandLineIsTheOnlyOneOfItsKindRegistered() {
    var kv = Main.commandLine(new String[] {"-o", "json", "kv", "get", "global/app/ratio"}).getSubcommands().get("kv");
    assertThat(kv.getSubcommands().keySet()).containsExactly("get");
    var device = Main.commandLine(new String[] {"device", "set-groups", "cam-1", "--groups", "a"}).getSubcommands()
        .get("device");
    assertThat(device.getSubcommands().keySet()).containsExactly("set-groups");
  }

  @Test
  void helpOfAVerbAndAMistypedOwnVerbStillListEveryOneOfIt() {
    for (String[] args : List.of(new String[] {"kv", "--help"}, new String[] {"kv", "gte", "x"},
        new String[] {"help", "kv"})) {
      assertThat(Main.commandLine(args).getSubcommands().get("kv").getSubcommands().keySet())
          .as(String.join(" ", args)).containsExactly("put", "get", "rm", "ls");
    }
    StringWriter out = new StringWriter();
    var commandLine = Main.commandLine(new String[] {"rollout", "--help"});
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute("rollout", "--help")).isZero();
    for (String verb : List.of("start", "status", "pause", "resume", "abort", "promote")) {
      assertThat(out.toString()).containsPattern("(?m)^  " + verb + " ");
    }
  }

  @Test
  void everyOwnVerbListedRunsUnderItsName() {
    for (String verb : List.of("kv", "device", "rollout", "token", "cert", "git")) {
      var all = Main.commandLine().getSubcommands().get(verb).getSubcommands();
      for (String own : all.keySet()) {
        assertThat(Main.commandLine(new String[] {verb, own}).getSubcommands().get(verb).getSubcommands())
            .as(verb + " " + own).containsOnlyKeys(own);
      }
      assertThat(all).as(verb).hasSizeGreaterThan(1);
    }
  }

  /** Runs {@code fleetconf args} in a JVM of its own on the jar's classpath, logging the classes it loads. */
  private String run(String name, String... args) throws Exception {
    return run(server, name, args);
  }

  private String run(TestServer server, String name, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "-Xlog:class+load:file=" + dir.resolve(name + ".classes"), "-cp", CliRun.shippedClasspath(),
        Main.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--addr", server.uri().toString(), "--token", server.token()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
