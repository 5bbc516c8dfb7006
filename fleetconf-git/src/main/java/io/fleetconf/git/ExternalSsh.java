package io.fleetconf.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

/**
 * SSH through the host's OpenSSH client with one source's key and known_hosts, and nothing else:
 * no user or system ssh config, no agent, no other identities, no host key learnt on the way
 * ({@code StrictHostKeyChecking=yes}). JGit's own SSH transport (org.eclipse.jgit.ssh.apache) is
 * not among the artifacts this build can fetch; {@code ssh} is on every box that runs git.
 */
final class ExternalSsh extends SshSessionFactory {
  private final GitCredentials.SshKey credentials;
  private final java.nio.file.Path errors;

  /**
   * @param errors where ssh's standard error goes: read after a failed fetch for its reason
   *     (JGit reads it on a thread of its own, and may fail on the closed output first)
   */
  ExternalSsh(GitCredentials.SshKey credentials, java.nio.file.Path errors) {
    this.credentials = credentials;
    this.errors = errors;
  }

  @Override
  public RemoteSession getSession(URIish uri, CredentialsProvider provider, FS fs, int timeoutSeconds) {
    return new RemoteSession() {
      @Override
      public Process exec(String command, int timeout) throws IOException {
        return new ProcessBuilder(command(uri, command, timeout > 0 ? timeout : timeoutSeconds))
            .redirectError(errors.toFile()).start();
      }

      @Override
      public void disconnect() {
        // one process per command, ended by JGit closing its streams
      }
    };
  }

  /** The ssh command line: options first, then the destination and the remote git command. */
  List<String> command(URIish uri, String remoteCommand, int timeoutSeconds) {
    List<String> command = new ArrayList<>(List.of("ssh", "-F", "none", "-i", credentials.key().toString(),
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + credentials.knownHosts(),
        "-o", "GlobalKnownHostsFile=/dev/null"));
    if (timeoutSeconds > 0) {
      command.addAll(List.of("-o", "ConnectTimeout=" + timeoutSeconds));
    }
    if (uri.getPort() > 0) {
      command.addAll(List.of("-p", Integer.toString(uri.getPort())));
    }
    // "--" so that a host named like an option cannot become one.
    command.add("--");
    command.add(uri.getUser() == null ? uri.getHost() : uri.getUser() + "@" + uri.getHost());
    command.add(remoteCommand);
    return command;
  }

  @Override
  public String getType() {
    return "fleetconf-openssh";
  }
}
