package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the client verbs' AOT cache, which {@code ./fleetconf} and the package's launcher
 * make on JDK 25 and later ({@code java -XX:AOTCacheOutput=F -cp fleetconf.jar io.fleetconf.cli.ClientTraining};
 * docs/performance.md, "The command line"). It starts a server in a child process (loopback, port 0,
 * a temporary data directory), then runs the common client verbs against it in this JVM, so that the
 * cache holds what a successful call loads and runs: the answer's path as well as the request's, over TLS. The
 * server runs in another JVM so that none of its classes enter the cache, whose classes every client
 * verb loads at start. Without a server (it did not start), it still runs the verbs, which then fail
 * to connect: a smaller cache, never a failed build.
 */
public final class ClientTraining {
  private static final String KEY = "global/aot-training/key";

  private ClientTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("fleetconf-aot-training-");
    Process server = startServer(dir);
    try {
      String[] connection = connection(server);
      for (List<String> verb : List.of(List.of("kv", "put", KEY, "value"), List.of("kv", "get", KEY),
          List.of("kv", "ls", "global"), List.of("device", "ls"), List.of("--output", "json", "kv", "get", KEY))) {
        List<String> arguments = new ArrayList<>(verb);
        arguments.addAll(List.of(connection));
        String[] array = arguments.toArray(String[]::new);
        Main.commandLine(array).execute(array);
      }
    } finally {
      server.destroy();
      server.waitFor();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The server, on this JVM's binary and class path, without this JVM's options (no AOT output). */
  private static Process startServer(Path dir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
        "java").toString());
    return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server", "--json", "--host",
        "127.0.0.1", "--port", "0", "--data-dir", dir.resolve("data").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * {@code --addr}, {@code --token} and {@code --ca-file} from the server's first line; a closed port if it printed
   * none. The server serves HTTPS, as by default, so the cache holds the TLS handshake and the trust of a CA file
   * (some 1,100 classes, which otherwise load at every call: docs/performance.md, "The command line").
   */
  private static String[] connection(Process server) throws IOException {
    String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
    if (line == null) {
      return new String[] {"--addr", "http://127.0.0.1:9", "--token", "none"};
    }
    JsonNode started = ApiClient.JSON.readTree(line);
    return new String[] {"--addr", started.path("listening").asText(), "--token", started.path("adminToken").asText(),
        "--ca-file", started.path("caFile").asText()};
  }
}
