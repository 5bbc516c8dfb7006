package io.fleetconf.cli;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.security.FleetCa;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ca", mixinStandardHelpOptions = true, description = "The fleet's own certificate authority.",
    subcommands = {CaCommand.Init.class})
final class CaCommand {

  @Command(name = "init", mixinStandardHelpOptions = true, description = {
      "Create the fleet CA in <data-dir>/ca: ca.key (mode 0600, never leaves this machine) and ca.crt",
      "(give it to devices and clients as their CA file). The server uses it for enrolment and mTLS."})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--name", defaultValue = "fleetconf fleet CA", description = "The CA's name (default ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
      Path dir = dataDir.resolve(FleetServer.CA_DIR);
      try {
        FleetCa ca = FleetCa.init(dir, name, Instant.now());
        Instant notAfter = ca.certificate().getNotAfter().toInstant();
        var json = ApiClient.JSON.createObjectNode().put("name", name).put("notAfter", notAfter.toString())
            .put("key", dir.resolve(FleetCa.KEY_FILE).toString()).put("certificate", dir.resolve(FleetCa.CERT_FILE).toString());
        OutputFormat.print(spec, json, out -> {
          out.line("created the fleet CA '" + name + "', valid until " + notAfter);
          out.line("  key:         " + dir.resolve(FleetCa.KEY_FILE) + " (0600; back it up offline)");
          out.line("  certificate: " + dir.resolve(FleetCa.CERT_FILE) + " (the CA file for devices and clients)");
        });
        return 0;
      } catch (IllegalStateException e) {
        throw new CliException(e.getMessage());
      }
    }
  }
}
