package io.fleetconf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A config repository made with the real {@code git} command: a bare repository (what a server
 * follows, by path or through {@code git daemon}) and a working clone where a test writes files,
 * commits with a given author, and pushes, force-pushes included.
 */
public final class TestGit implements AutoCloseable {
  private final Path bare;
  private final Path work;
  private Process daemon;

  private TestGit(Path bare, Path work) {
    this.bare = bare;
    this.work = work;
  }

  /** An empty bare repository {@code <dir>/fleet.git} (the directory made if need be) with branch main, and a working clone of it. */
  public static TestGit create(Path dir) {
    Path bare = dir.resolve("fleet.git");
    Path work = dir.resolve("work");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(dir, "git", "init", "-q", "--bare", "-b", "main", bare.toString());
    run(dir, "git", "init", "-q", "-b", "main", work.toString());
    TestGit git = new TestGit(bare, work);
    git.git("remote", "add", "origin", bare.toString());
    return git;
  }

  /** The bare repository's path, which a server can follow as its URL. */
  public String url() {
    return bare.toString();
  }

  /** The working clone's directory, where branches are made and files written. */
  public Path workTree() {
    return work;
  }

  /** Writes (or with {@code null}, deletes) files in the working clone, by repository path. */
  public TestGit write(Map<String, String> files) {
    files.forEach((path, text) -> {
      try {
        Path file = work.resolve(path);
        if (text == null) {
          Files.deleteIfExists(file);
        } else {
          Files.createDirectories(file.getParent());
          Files.writeString(file, text);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return this;
  }

  public TestGit write(String path, String text) {
    return write(java.util.Collections.singletonMap(path, text));
  }

  /** Commits everything in the working clone as {@code author} ("Name <email>"); answers the commit id. */
  public String commit(String author, String subject) {
    git("add", "-A");
    String name = author.substring(0, author.indexOf(" <"));
    String email = author.substring(author.indexOf('<') + 1, author.indexOf('>'));
    run(work, List.of("git", "-c", "user.name=" + name, "-c", "user.email=" + email, "commit", "-q",
        "--allow-empty", "--author=" + author, "-m", subject));
    return head();
  }

  public String head() {
    return git("rev-parse", "HEAD").strip();
  }

  public TestGit push() {
    git("push", "-q", "origin", "main");
    return this;
  }

  public TestGit forcePush() {
    git("push", "-q", "--force", "origin", "main");
    return this;
  }

  /** Moves the working branch to {@code commit}, its files with it (to rewrite history). */
  public TestGit resetHard(String commit) {
    git("reset", "-q", "--hard", commit);
    return this;
  }

  /**
   * Serves the bare repository with {@code git daemon} on a free loopback port and answers its
   * {@code git://} URL once the daemon accepts connections.
   */
  public String serve() {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      daemon = new ProcessBuilder("git", "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1",
          "--port=" + port, "--base-path=" + bare.getParent(), bare.getParent().toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int listening = port;
    Eventually.eventually(Duration.ofSeconds(10), "git daemon listens on port " + port, () -> {
      try (Socket socket = new Socket("127.0.0.1", listening)) {
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
    return "git://127.0.0.1:" + port + "/" + bare.getFileName();
  }

  /** Runs git in the working clone; answers its standard output. */
  public String git(String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    return run(work, command);
  }

  private static String run(Path dir, String... command) {
    return run(dir, List.of(command));
  }

  private static String run(Path dir, List<String> command) {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  @Override
  public void close() {
    if (daemon != null) {
      daemon.destroy();
    }
  }
}
