package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.security.FleetCa;
import io.fleetconf.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's one-shot calls over HttpURLConnection (issue 21 item 2): what HttpClient did before,
 * the JDK's own habits turned off: a write is sent once, the host name is checked, a refused token
 * says why on writes too.
 */
class CliCallTest {
  @TempDir Path dir;

  @Test
  void aWriteIsSentOnceWhenTheConnectionDropsBeforeTheAnswer() throws Exception {
    try (DroppingServer dropping = new DroppingServer()) {
      String addr = "--addr=http://127.0.0.1:" + dropping.port();
      for (List<String> write : List.of(List.of("kv", "put", "global/app/x", "1"), List.of("device", "add", "vv-1"),
          List.of("kv", "rm", "global/app/x"))) {
        CliRun run = run(concat(write, addr, "--token=t"));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("fleetconf: request to http://127.0.0.1:" + dropping.port()
            + " failed: Unexpected end of file from server\n");
      }
      assertThat(dropping.requests()).containsExactly("PUT /api/v1/entries/global/app/x", "POST /api/v1/devices",
          "DELETE /api/v1/entries/global/app/x");
    }
  }

  @Test
  void aWriteWithARefusedTokenSaysWhyAsAReadDoes() {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      CliRun put = CliRun.fleetconf(server, "kv", "put", "global/app/x", "1", "--addr=" + server.uri(), "--token=fc_wrong");
      assertThat(put.status()).isEqualTo(1);
      assertThat(put.err()).isEqualTo("fleetconf: the bearer token is not valid (401)\n");
      CliRun json = CliRun.fleetconf(server, "device", "add", "vv-1", "-o", "json", "--addr=" + server.uri(),
          "--token=fc_wrong");
      assertThat(json.err()).isEqualTo("{\"error\":\"unauthorized\",\"message\":\"the bearer token is not valid\","
          + "\"status\":401}\n");
      assertThat(CliRun.fleetconf(server, "kv", "get", "global/app/x").err())
          .isEqualTo("fleetconf: key 'global/app/x' does not exist (404)\n");
    }
  }

  @Test
  void aServerCertificateForAnotherHostIsRefused() {
    Path data = dir.resolve("data");
    TestServer.startTls(data).close();
    FleetCa.load(data.resolve(FleetServer.CA_DIR)).writeServerCertificate(data.resolve("tls/server.crt"),
        data.resolve("tls/server.key"), List.of("elsewhere.example"), Instant.now());
    try (TestServer server = TestServer.startTls(data)) {
      CliRun run = CliRun.fleetconf(server, "kv", "get", "global/app/x", "--ca-file=" + server.caFile());
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("fleetconf: TLS with " + server.uri() + " failed ((certificate_unknown) No subject alternative names"
          + " matching IP address 127.0.0.1 found); is --ca-file / FLEETCONF_CA_FILE the CA of the server's certificate,"
          + " e.g. data/ca/ca.crt?\n");
    }
  }

  @Test
  void theCaFileIsReadOnlyForHttps() {
    try (TestServer server = TestServer.startTls(dir.resolve("data"))) {
      Path missing = dir.resolve("missing.crt");
      CliRun https = CliRun.fleetconf(server, "kv", "get", "global/app/x", "--ca-file=" + missing);
      assertThat(https.err()).startsWith("fleetconf: cannot read " + missing + ": ");
      CliRun noCa = CliRun.fleetconf(server, "kv", "get", "global/app/x");
      assertThat(noCa.err()).startsWith("fleetconf: TLS with " + server.uri() + " failed ((certificate_unknown) PKIX path building"
          + " failed: ");
      assertThat(CliRun.fleetconf(server, "kv", "put", "global/app/x", "1", "--ca-file=" + server.caFile()).out())
          .isEqualTo("revision 1: global/app/x\n");
      assertThat(CliRun.fleetconf(server, "device", "add", "vv-1", "--ca-file=" + server.caFile()).status()).isZero();
      CliRun patched = CliRun.fleetconf(server, "device", "set-groups", "vv-1", "site/porto",
          "--ca-file=" + server.caFile()); // PATCH, over HttpClient
      assertThat(patched.out()).as(patched.err()).contains("vv-1  site/porto");
    }
    try (TestServer plain = TestServer.start(dir.resolve("plain"))) {
      assertThat(CliRun.fleetconf(plain, "kv", "put", "global/app/x", "2", "--ca-file=" + dir.resolve("missing.crt"))
          .out()).isEqualTo("revision 1: global/app/x\n");
    }
  }

  @Test
  void anAddressThatIsNotAnHttpUrlIsRefusedByName() {
    CliRun run = run("kv", "get", "global/app/x", "--addr=127.0.0.1:8585", "--token=t");
    assertThat(run.err()).isEqualTo("fleetconf: --addr '127.0.0.1:8585' is not a URL such as https://127.0.0.1:8585\n");
  }

  private static String[] concat(List<String> args, String... more) {
    return java.util.stream.Stream.concat(args.stream(), java.util.Arrays.stream(more)).toArray(String[]::new);
  }

  private static CliRun run(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new java.io.PrintWriter(out));
    commandLine.setErr(new java.io.PrintWriter(err));
    int status = commandLine.execute(args);
    return new CliRun(status, out.toString(), err.toString());
  }

  /** Reads each request whole, records its request line, and closes the connection without an answer. */
  private static final class DroppingServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread thread = Thread.ofPlatform().daemon().start(this::serve);

    DroppingServer() throws IOException {}

    int port() {
      return socket.getLocalPort();
    }

    List<String> requests() {
      return requests;
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket connection = socket.accept()) {
          InputStream in = connection.getInputStream();
          String head = readHead(in);
          String line = head.substring(0, head.indexOf("\r\n"));
          requests.add(line.substring(0, line.lastIndexOf(' ')));
          int length = head.lines().filter(h -> h.regionMatches(true, 0, "Content-Length:", 0, 15))
              .mapToInt(h -> Integer.parseInt(h.substring(15).strip())).findFirst().orElse(0);
          in.readNBytes(length);
        } catch (IOException closed) {
          // closed by close(), or a client that went away
        }
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the client closed the connection");
        }
        head.append((char) b);
      }
      return head.toString();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(5_000);
    }
  }
}
