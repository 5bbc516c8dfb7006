package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.server.FleetServer;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.SqliteBackup;
import io.fleetconf.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Two restores under one verb: a subtree back to a revision, through the API of a running server;
 * or a whole embedded store back from a backup file, into the data directory of a stopped one.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    customSynopsis = {
        "fleetconf restore PREFIX --to REVISION [-m MESSAGE] [--addr URL] [--token TOKEN] [--ca-file FILE] [-o json]",
        "fleetconf restore --backup FILE --data-dir DIR [--force] [-o json]"},
    description = {
        "Put a key or subtree back as it was at a revision, as a new change set (through the server).",
        "With --backup: put a whole embedded store back from a file made by fleetconf backup, into the data"
            + " directory of a stopped server. A store already there is replaced only with --force, and kept as"
            + " fleetconf.db" + SqliteBackup.BEFORE_RESTORE + ". Secrets need the master key the backup was taken"
            + " under."})
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;
  @Parameters(paramLabel = "PREFIX", arity = "0..1", description = "e.g. global/tv_scheduler") String prefix;
  @Option(names = "--to", paramLabel = "REVISION", description = "The revision to put PREFIX back to.") Long revision;
  @Option(names = {"-m", "--message"}) String message;
  @Option(names = "--backup", paramLabel = "FILE", description = "A backup file to restore the whole store from.") Path backup;
  @Option(names = "--data-dir", paramLabel = "DIR", description = "With --backup: the stopped server's data directory.")
  Path dataDir;
  @Option(names = "--force", description = "With --backup: replace the store in --data-dir, keeping it beside.")
  boolean force;
  @Option(names = "--dry-run", description = "With PREFIX: show which devices' config the restore would change and"
      + " how; change nothing.") boolean dryRun;

  @Override
  public Integer call() {
    if (backup != null) {
      if (prefix != null || revision != null || message != null || dryRun) {
        throw usage("--backup restores a whole store and takes no PREFIX, --to, -m or --dry-run; those restore a subtree"
            + " through the server: restore PREFIX --to REVISION");
      }
      if (dataDir == null) {
        throw usage("--backup needs --data-dir DIR, the data directory of the stopped server to restore into");
      }
      return restoreBackup();
    }
    if (dataDir != null || force) {
      throw usage("--data-dir and --force go with --backup FILE; a subtree is restored with: restore PREFIX --to REVISION");
    }
    if (prefix == null || revision == null) {
      throw usage("give PREFIX and --to REVISION to restore a subtree, or --backup FILE --data-dir DIR to restore a store");
    }
    ObjectNode body = ApiClient.JSON.createObjectNode().put("prefix", prefix).put("revision", revision);
    if (message != null) {
      body.put("message", message);
    }
    JsonNode answer = connection.client().send("POST", "/api/v1/restore",
        ApiClient.query("dry_run", DryRun.flag(dryRun)), body);
    return dryRun ? DryRun.report(spec, connection, answer) : report(spec, connection, answer);
  }

  private int restoreBackup() {
    Path store = BackupCommand.embeddedStore(dataDir);
    if ((Files.exists(store) || Files.exists(store.resolveSibling(store.getFileName() + "-wal"))) && !force) {
      throw new CliException(dataDir + " already has a store (" + store.getFileName() + "); give --force to replace it"
          + " (it is kept as " + store.getFileName() + SqliteBackup.BEFORE_RESTORE + ")");
    }
    createPrivately(dataDir);
    SqliteBackup.Restored restored;
    try {
      restored = SqliteBackup.restore(backup, store, force);
    } catch (StoreException e) {
      throw new CliException(e.getMessage());
    }
    java.util.List<String> notes = new java.util.ArrayList<>();
    restored.previous().ifPresent(previous -> notes.add("the store it replaced is kept as " + previous));
    notes.add(BackupCommand.masterKeyNote(restored.contents(), "the restored store"));
    restored.contents().masterKeyFingerprint().flatMap(this::checkKeyFile).ifPresent(notes::add);
    ObjectNode json = BackupCommand.json(restored.contents()).put("backup", backup.toString()).put("store", store.toString());
    json.put("previous", restored.previous().map(Object::toString).orElse(null));
    notes.forEach(json.putArray("notes")::add);
    OutputFormat.print(spec, json, out -> {
      out.line("restored revision " + restored.contents().lastRevision() + " from " + backup + " to " + store + ": "
          + restored.contents().describe());
      notes.forEach(out::line);
    });
    return 0;
  }

  /** A data directory may hold a master key of its own (a server started there once): say if it is the wrong one. */
  private java.util.Optional<String> checkKeyFile(String wanted) {
    Path keyFile = dataDir.resolve(FleetServer.MASTER_KEY_FILE);
    if (!Files.exists(keyFile)) {
      return java.util.Optional.empty();
    }
    String present;
    try {
      present = MasterKey.read(keyFile).fingerprint();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.of("warning: " + e.getMessage());
    }
    return java.util.Optional.of(present.equals(wanted) ? keyFile + " is that key"
        : "warning: " + keyFile + " is master key " + present + ", not " + wanted + ": a server started with it"
            + " refuses the store; put the backup's key there or give --master-key-file");
  }

  /** As the server makes it: the data directory holds keys and the database. */
  private static void createPrivately(Path dir) {
    if (Files.notExists(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new CliException("cannot make the data directory " + dir + ": " + e.getMessage());
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static int report(CommandSpec spec, Connection connection, JsonNode answer) {
    long revision = answer.get("revision").asLong();
    int changes = answer.get("changes").asInt();
    connection.print(spec, answer, out -> out.line(changes == 0
        ? "nothing to change; still at revision " + revision
        : "revision " + revision + ": " + changes + " change(s)"));
    return 0;
  }
}
