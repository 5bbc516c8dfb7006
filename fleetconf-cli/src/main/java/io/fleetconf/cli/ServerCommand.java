package io.fleetconf.cli;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run the fleetconf server on the embedded store.")
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + ServerSettings.DEFAULT_PORT,
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--demo", description = "Seed the example fleet if the store is empty.")
  boolean demo;

  @Override
  public Integer call() throws InterruptedException {
    FleetServer server = FleetServer.start(new ServerSettings(host, port, dataDir, demo));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    var out = spec.commandLine().getOut();
    out.println("fleetconf server listening on " + server.uri());
    out.println("data directory: " + dataDir.toAbsolutePath());
    server.bootstrapToken().ifPresentOrElse(
        token -> {
          out.println("admin token (shown once; also in " + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + "):");
          out.println("  " + token);
        },
        () -> out.println("admin token: the one created on first start (see "
            + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + " if you kept it)"));
    out.println("try:  export FLEETCONF_ADDR=" + server.uri() + " FLEETCONF_TOKEN=$(cat "
        + dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE) + ")");
    out.flush();
    stopped.await();
    return 0;
  }
}
