package io.fleetconf.cli;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.git.Sealing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "seal", mixinStandardHelpOptions = true,
    description = {"Encrypts a secret for the server, as ENC[...] to commit to a Git source at KEY.",
        "Only that server opens it, and only for KEY: moved to another key it does not open.",
        "The server's public key comes from the server (--addr, --token) or, offline, from --key FILE"
            + " (made by seal --print-key)."})
final class SealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;

  @Parameters(index = "0", arity = "0..1", paramLabel = "KEY",
      description = "The entry the value is for, e.g. devices/vv-01/tv/api_token.") String key;
  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
      description = "The secret (prefer --stdin: keeps it out of shell history).") String value;
  @Option(names = "--stdin", description = "Read the secret from standard input (a final newline dropped).")
  boolean stdin;
  @Option(names = "--key", paramLabel = "FILE", description = "Seal offline, to the public key in FILE.")
  Path keyFile;
  @Option(names = "--print-key", description = "Print the server's public key (to save for --key) and stop.")
  boolean printKey;

  @Override
  public Integer call() {
    PublicKey publicKey = publicKey();
    if (printKey) {
      String text = Sealing.publicText(publicKey);
      OutputFormat.print(spec, ApiClient.JSON.createObjectNode().put("publicKey", text), out -> out.line(text));
      return 0;
    }
    if (key == null) {
      throw new CliException("give the KEY the secret is for, e.g. devices/vv-01/tv/api_token");
    }
    Key target;
    try {
      target = Key.parse(key);
    } catch (InvalidInputException e) {
      throw new CliException(e.getMessage());
    }
    if (target.path().segments().size() != 2) {
      throw new CliException("a sealed value is one top-level key of a namespace file: <scope>/<namespace>/<key>,"
          + " not " + key);
    }
    String sealed = Sealing.seal(publicKey, target, secret());
    OutputFormat.print(spec, ApiClient.JSON.createObjectNode().put("key", key).put("sealed", sealed),
        out -> out.line(sealed));
    return 0;
  }

  private PublicKey publicKey() {
    if (keyFile == null) {
      return Sealing.parsePublic(connection.client().get("/api/v1/seal/key", ApiClient.query()).get("key").asText());
    }
    try {
      return Sealing.parsePublic(Files.readString(keyFile));
    } catch (IOException e) {
      throw new CliException("cannot read the seal key " + keyFile + ": " + e.getMessage());
    } catch (InvalidInputException e) {
      throw new CliException(keyFile + ": " + e.getMessage());
    }
  }

  private String secret() {
    if (stdin == (value != null)) {
      throw new CliException("give the secret as VALUE or with --stdin, one of them");
    }
    if (value != null) {
      return value;
    }
    return StandardInput.text();
  }
}
