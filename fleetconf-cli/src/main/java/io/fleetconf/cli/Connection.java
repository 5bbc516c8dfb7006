package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the server is, how to authenticate, and how to print: shared by every admin verb. */
final class Connection {
  @Option(names = "--addr", paramLabel = "URL", defaultValue = "${env:FLEETCONF_ADDR:-https://127.0.0.1:8585}",
      description = "Server address (env FLEETCONF_ADDR; default ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FLEETCONF_TOKEN}",
      description = "API token (env FLEETCONF_TOKEN).")
  String token;

  @Option(names = "--ca-file", paramLabel = "FILE", defaultValue = "${env:FLEETCONF_CA_FILE}",
      description = "PEM file of the CA that signed the server's certificate, e.g. data/ca/ca.crt"
          + " (env FLEETCONF_CA_FILE; default: the system's trusted CAs).")
  java.nio.file.Path caFile;

  /** Prints the server's answer as JSON in json mode, else the way {@code human} says. */
  void print(CommandSpec spec, JsonNode answer, Consumer<Output> human) {
    OutputFormat.print(spec, answer, human);
  }

  ApiClient client() {
    return new ApiClient(address, token, java.util.Optional.ofNullable(caFile));
  }
}
