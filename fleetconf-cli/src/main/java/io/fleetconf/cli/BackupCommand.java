package io.fleetconf.cli;

import io.fleetconf.server.ServerSettings;
import io.fleetconf.store.SqliteBackup;
import io.fleetconf.store.StoreCopy;
import io.fleetconf.store.StoreException;
import io.fleetconf.store.StoreUrl;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Copy the embedded store to a new file, while the server runs: one consistent revision, synced to disk.",
        "The master key is not in the backup: keep it apart. For a PostgreSQL store use pg_dump (docs/operations.md)."})
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
      description = "The server's data directory (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "The backup file to make; never overwritten.")
  Path to;

  @Override
  public Integer call() {
    Path store = embeddedStore(dataDir);
    StoreCopy.Contents contents;
    try {
      contents = SqliteBackup.backup(store, to);
    } catch (StoreException e) {
      throw new CliException(e.getMessage());
    }
    ObjectNode json = json(contents).put("store", store.toString()).put("file", to.toString());
    OutputFormat.print(spec, json, out -> {
      out.line("backed up revision " + contents.lastRevision() + " of " + store + " to " + to + ": " + contents.describe());
      out.line(masterKeyNote(contents, "the backup"));
    });
    return 0;
  }

  /** What a store copy holds, for json mode: rows per table, revisions, the master key its secrets need. */
  static ObjectNode json(StoreCopy.Contents contents) {
    ObjectNode json = ApiClient.JSON.createObjectNode();
    contents.rows().forEach(json.putObject("rows")::put);
    json.put("firstRevision", contents.firstRevision()).put("lastRevision", contents.lastRevision());
    json.put("masterKey", contents.masterKeyFingerprint().orElse(null));
    return json;
  }

  /** The embedded store's file in a data directory: where a server started there without --store keeps it. */
  static Path embeddedStore(Path dataDir) {
    return ((StoreUrl.Sqlite) ServerSettings.of("127.0.0.1", ServerSettings.DEFAULT_PORT, dataDir).storeUrl()).file();
  }

  /** The master key is never in a store; say which one its secrets need, so that it is kept with care. */
  static String masterKeyNote(StoreCopy.Contents contents, String what) {
    return contents.masterKeyFingerprint()
        .map(fingerprint -> "secrets in " + what + " are sealed under master key " + fingerprint
            + ", which is not in it: the server needs that key (master.key, --master-key-file or $FLEETCONF_MASTER_KEY)")
        .orElse(what + " holds no secrets' data key; no master key is needed for it");
  }
}
