package io.fleetconf.cli;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.security.Tokens;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreException;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "admin-token", mixinStandardHelpOptions = true,
    description = "The admin token kept in the data directory.", subcommands = {AdminTokenCommand.Reset.class})
final class AdminTokenCommand {

  @Command(name = "reset", mixinStandardHelpOptions = true, description = {
      "Make a new admin token offline, for an admin token that was lost: it works on the store directly, with",
      "access to the data directory, while the server is stopped. The admin tokens made on first start or by an",
      "earlier reset (identity 'admin') are revoked; every other token stays. The new one goes to",
      "<data-dir>/admin.token (mode 0600), written durably before the store holds it."})
  static final class Reset implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Mixin StoreOptions storeOptions;

    @Override
    public Integer call() {
      StoreUrl url = storeOptions.resolve(dataDir);
      if (url instanceof StoreUrl.Sqlite sqlite && !Files.exists(sqlite.file())) {
        throw new CliException("no store at " + sqlite.file() + ": give the server's --data-dir (or --store)");
      }
      Path file = dataDir.resolve(FleetServer.ADMIN_TOKEN_FILE);
      int revoked;
      try (Store opened = url.open(Clock.systemUTC())) {
        Tokens tokens = new Tokens(opened, Clock.systemUTC());
        revoked = tokens.revokeBootstrapAdmins();
        tokens.bootstrapAdmin(secret -> FleetServer.writeAdminToken(file, secret));
      } catch (StoreException | IllegalStateException | java.io.IOException e) {
        throw new CliException(e.getMessage());
      }
      int count = revoked;
      OutputFormat.print(spec, ApiClient.JSON.createObjectNode().put("revoked", count).put("file", file.toString()),
          out -> {
            out.line("revoked " + count + " earlier admin token" + (count == 1 ? "" : "s"));
            out.line("the new admin token is in " + file);
          });
      return 0;
    }
  }
}
