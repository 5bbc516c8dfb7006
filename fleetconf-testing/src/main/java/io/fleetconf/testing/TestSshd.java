package io.fleetconf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH server on a loopback port with a host key of its own, letting in one client key
 * for the user running the tests: what a Git source fetches {@code ssh://} URLs from. Under CI a
 * missing {@code sshd} fails the test (.ci/run installs openssh-server); elsewhere it is skipped.
 */
public final class TestSshd implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private final Path dir;
  private final int port;
  private final Process process;

  private TestSshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts sshd with keys and config made in {@code dir}. */
  public static TestSshd start(Path dir) {
    boolean usable = Files.isExecutable(SSHD) && (!isRoot() || Files.isDirectory(Path.of("/run/sshd")));
    if (!usable && System.getenv("CI") != null) {
      throw new AssertionError("sshd is not usable; .ci/run installs openssh-server and makes /run/sshd");
    }
    Assumptions.assumeTrue(usable, "sshd is not usable: apt-get install -y openssh-server; mkdir -p /run/sshd");
    try {
      Files.createDirectories(dir);
      keygen(dir.resolve("host"));
      keygen(dir.resolve("client"));
      keygen(dir.resolve("stranger"));
      Files.copy(dir.resolve("client.pub"), dir.resolve("authorized_keys"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Files.writeString(dir.resolve("sshd_config"), String.join("\n", List.of("Port " + port,
          "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host"),
          "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PidFile " + dir.resolve("sshd.pid"),
          "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no")) + "\n");
      Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
      TestSshd sshd = new TestSshd(dir, port, process);
      Eventually.eventually(Duration.ofSeconds(10), "sshd listens on port " + port, () -> {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          return true;
        } catch (IOException notYet) {
          return false;
        }
      });
      return sshd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void keygen(Path file) throws IOException {
    try {
      Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString())
          .redirectErrorStream(true).start();
      String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (keygen.waitFor() != 0) {
        throw new IllegalStateException("ssh-keygen failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The {@code ssh://} URL of the repository at {@code path} on this machine. */
  public String url(Path path) {
    return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + path.toAbsolutePath();
  }

  /** The private key the server lets in. */
  public Path clientKey() {
    return dir.resolve("client");
  }

  /** A private key the server does not let in. */
  public Path strangerKey() {
    return dir.resolve("stranger");
  }

  /** A known_hosts file holding this server's host key. */
  public Path knownHosts() {
    return knownHosts("known_hosts", dir.resolve("host.pub"));
  }

  /** A known_hosts file that holds another key for this server's address, as after a man in the middle. */
  public Path wrongKnownHosts() {
    return knownHosts("wrong_known_hosts", dir.resolve("stranger.pub"));
  }

  private Path knownHosts(String name, Path publicKey) {
    try {
      String[] key = Files.readString(publicKey).strip().split(" ");
      Path file = dir.resolve(name);
      Files.writeString(file, "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
