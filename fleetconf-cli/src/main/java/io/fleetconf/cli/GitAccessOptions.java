package io.fleetconf.cli;

import io.fleetconf.git.GitCredentials;
import io.fleetconf.server.git.GitSettings.Access;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** {@code fleetconf server}'s per-source files: credentials and webhook secrets, each {@code NAME=FILE}. */
final class GitAccessOptions {
  @Option(names = "--git-credentials", paramLabel = "NAME=FILE", description = {
      "HTTPS credentials of a Git source: FILE's first line is user:password or a token (repeatable)."})
  List<String> credentials = new ArrayList<>();

  @Option(names = "--git-ssh-key", paramLabel = "NAME=FILE",
      description = "SSH private key of a Git source (with --git-known-hosts; repeatable).")
  List<String> sshKeys = new ArrayList<>();

  @Option(names = "--git-known-hosts", paramLabel = "NAME=FILE",
      description = "known_hosts file, the only host keys a source's SSH remote is checked against (repeatable).")
  List<String> knownHosts = new ArrayList<>();

  @Option(names = "--git-webhook-secret", paramLabel = "NAME=FILE", description = {
      "File holding the shared secret a source's webhook is signed with (repeatable;",
      "enables POST /api/v1/git/sources/NAME/webhook)."})
  List<String> webhookSecrets = new ArrayList<>();

  /** Per source name, what these options give it. */
  Map<String, Access> access() {
    Map<String, Path> password = byName("--git-credentials", credentials);
    Map<String, Path> key = byName("--git-ssh-key", sshKeys);
    Map<String, Path> hosts = byName("--git-known-hosts", knownHosts);
    Map<String, Path> secrets = byName("--git-webhook-secret", webhookSecrets);
    TreeSet<String> names = new TreeSet<>(password.keySet());
    names.addAll(key.keySet());
    names.addAll(hosts.keySet());
    names.addAll(secrets.keySet());
    Map<String, Access> out = new HashMap<>();
    for (String name : names) {
      if (key.containsKey(name) != hosts.containsKey(name)) {
        throw new CliException("git source '" + name + "': give both --git-ssh-key and --git-known-hosts, or neither");
      }
      if (key.containsKey(name) && password.containsKey(name)) {
        throw new CliException("git source '" + name + "': give --git-credentials or --git-ssh-key, not both");
      }
      GitCredentials credentials = password.containsKey(name) ? new GitCredentials.Password(password.get(name))
          : key.containsKey(name) ? new GitCredentials.SshKey(key.get(name), hosts.get(name)) : GitCredentials.NONE;
      out.put(name, new Access(credentials, Optional.ofNullable(secrets.get(name))));
    }
    return out;
  }

  private static Map<String, Path> byName(String option, List<String> values) {
    Map<String, Path> out = new HashMap<>();
    for (String value : values) {
      int equals = value.indexOf('=');
      if (equals <= 0 || equals == value.length() - 1) {
        throw new CliException(option + ": '" + value + "' must be NAME=FILE");
      }
      if (out.put(value.substring(0, equals), Path.of(value.substring(equals + 1))) != null) {
        throw new CliException(option + ": git source '" + value.substring(0, equals) + "' is given twice");
      }
    }
    return out;
  }
}
