package io.fleetconf.cli;

import picocli.CommandLine.Option;

/** Where the server is, how to authenticate, and how to print: shared by every admin verb. */
final class Connection {
  @Option(names = "--addr", paramLabel = "URL", defaultValue = "${env:FLEETCONF_ADDR:-http://127.0.0.1:8585}",
      description = "Server address (env FLEETCONF_ADDR; default ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FLEETCONF_TOKEN}",
      description = "API token (env FLEETCONF_TOKEN).")
  String token;

  @Option(names = "--json", description = "Print the server's JSON answer, for scripts.")
  boolean json;

  ApiClient client() {
    return new ApiClient(address, token);
  }
}
