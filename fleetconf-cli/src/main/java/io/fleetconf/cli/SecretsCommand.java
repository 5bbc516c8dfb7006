package io.fleetconf.cli;

import io.fleetconf.server.FleetServer;
import io.fleetconf.store.Keyring;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreException;
import io.fleetconf.store.StoreUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "secrets", mixinStandardHelpOptions = true, description = "The keys that protect secret entries.",
    subcommands = {SecretsCommand.RotateKey.class})
final class SecretsCommand {

  @Command(name = "rotate-key", mixinStandardHelpOptions = true, description = {
      "Re-wrap the data key of the secrets under a new master key. No secret is re-encrypted and a",
      "running server is not disturbed (it holds the data key in memory); start it with the new key next",
      "time. Without --new-key-file, a new key replaces <data-dir>/master.key."})
  static final class RotateKey implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--master-key-file", paramLabel = "FILE",
        description = "The current master key (default: $FLEETCONF_MASTER_KEY, else <data-dir>/master.key).")
    Path current;
    @Option(names = "--new-key-file", paramLabel = "FILE",
        description = "Where the new master key is, or is made (mode 0600) if the file does not exist.")
    Path next;

    @Override
    public Integer call() throws IOException {
      Path defaultFile = dataDir.resolve(FleetServer.MASTER_KEY_FILE);
      String variable = System.getenv(MasterKey.ENV);
      MasterKey currentKey;
      try {
        currentKey = current != null ? MasterKey.read(current)
            : variable != null && !variable.isBlank() ? MasterKey.parse(variable, "$" + MasterKey.ENV)
            : MasterKey.read(defaultFile);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      boolean replaceDefault = next == null && current == null && (variable == null || variable.isBlank());
      if (next == null && !replaceDefault) {
        throw new CliException("give --new-key-file: the current key does not come from " + defaultFile);
      }
      Path target = next != null ? next : dataDir.resolve(FleetServer.MASTER_KEY_FILE + ".new");
      MasterKey nextKey;
      if (Files.exists(target)) {
        nextKey = MasterKey.read(target);
      } else {
        nextKey = MasterKey.generate();
        nextKey.writeNew(target);
      }
      try (Store store = new StoreUrl.Sqlite(dataDir.resolve("fleetconf.db")).open(Clock.systemUTC())) {
        Keyring.rotate(store, currentKey, nextKey);
      } catch (StoreException e) {
        throw new CliException(e.getMessage());
      }
      if (replaceDefault) {
        Files.move(target, defaultFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        target = defaultFile;
      }
      Path keyFile = target;
      var json = ApiClient.JSON.createObjectNode().put("masterKey", nextKey.fingerprint())
          .put("previous", currentKey.fingerprint()).put("file", keyFile.toString());
      OutputFormat.print(spec, json, out -> {
        out.line("the data key is now wrapped by master key " + nextKey.fingerprint() + " (was "
            + currentKey.fingerprint() + ")");
        out.line("the new key is in " + keyFile + "; start the server with it from now on, and destroy the old one");
      });
      return 0;
    }
  }
}
