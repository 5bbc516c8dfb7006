package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a source proves who it is to its remote, read from files so that no credential is ever part
 * of a URL, a command line or a log. The files are read at each fetch, so that a rotated token or
 * key needs no restart.
 */
public sealed interface GitCredentials {
  /** What JGit finds by itself: for public and local repositories. */
  record None() implements GitCredentials {}

  /**
   * HTTPS basic authentication from {@code file}: its first line is {@code username:password}, or
   * a lone token (then sent with the username {@value #TOKEN_USER}, which GitHub, GitLab and Gitea
   * accept for personal access tokens).
   */
  record Password(Path file) implements GitCredentials {
    public static final String TOKEN_USER = "oauth2";

    /** The user name and password the file holds now. */
    public Login read() {
      String line = firstLine(file, "credentials file");
      int colon = line.indexOf(':');
      return colon < 0 ? new Login(TOKEN_USER, line) : new Login(line.substring(0, colon), line.substring(colon + 1));
    }
  }

  /** A user name and password; {@link #toString} leaves the password out. */
  record Login(String user, String password) {
    @Override
    public String toString() {
      return "Login[" + user + ", ***]";
    }
  }

  /** SSH with a private key, the server's host key checked against {@code knownHosts} only. */
  record SshKey(Path key, Path knownHosts) implements GitCredentials {}

  GitCredentials NONE = new None();

  /** Refuses files that cannot be read now, so that a wrong path fails the start rather than every fetch. */
  default void check(String source) {
    switch (this) {
      case None none -> { }
      case Password password -> checkReadable(password.file(), "credentials file of git source '" + source + "'");
      case SshKey ssh -> {
        checkReadable(ssh.key(), "SSH key of git source '" + source + "'");
        checkReadable(ssh.knownHosts(), "known_hosts file of git source '" + source + "'");
      }
    }
  }

  /** Refuses a file that cannot be read now, naming the option and the file (never its content). */
  static void checkReadable(Path file, String what) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException("invalid_git_source", what + " " + file + " is not a readable file");
    }
  }

  /** A secret kept in {@code file}: its first line, refused if unreadable or empty; the message names the file only. */
  static String secretFile(Path file, String what) {
    checkReadable(file, what);
    return firstLine(file, what);
  }

  /** The first line of {@code file}, without its line end; refused if empty. */
  static String firstLine(Path file, String what) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String line = text.lines().findFirst().orElse("").strip();
      if (line.isEmpty()) {
        throw new InvalidInputException("invalid_git_source", what + " " + file + " is empty");
      }
      return line;
    } catch (IOException e) {
      throw new InvalidInputException("invalid_git_source", "cannot read " + what + " " + file);
    }
  }
}
