package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Proposal;
import io.fleetconf.server.Replica;
import io.fleetconf.server.api.ApiJson;
import io.fleetconf.store.Keyring;
import io.fleetconf.store.MasterKey;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreException;
import io.fleetconf.store.StoreUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code git plan --backup}: the server's own dry run, made in this process on a private copy of a
 * backup ({@code fleetconf backup}), so that a pull request is checked without a running server.
 * The backup itself is only read.
 */
final class PlanFromBackup implements AutoCloseable {
  private final Path dir;
  private final Store store;
  private final Replica replica;

  private PlanFromBackup(Path dir, Store store, Replica replica) {
    this.dir = dir;
    this.store = store;
    this.replica = replica;
  }

  /** Opens a copy of {@code backup}; its secrets, if it holds any, with the master key in {@code masterKeyFile}. */
  static PlanFromBackup open(Path backup, Optional<Path> masterKeyFile) {
    if (!Files.isRegularFile(backup)) {
      throw new CliException("no backup file " + backup);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("fleetconf-plan");
      Files.copy(backup, dir.resolve("fleetconf.db"));
    } catch (IOException e) {
      throw new CliException("cannot copy the backup " + backup + ": " + e.getMessage());
    }
    Store store = new StoreUrl.Sqlite(dir.resolve("fleetconf.db")).open(Clock.systemUTC());
    try {
      if (masterKeyFile.isPresent()) {
        Keyring.open(store, MasterKey.read(masterKeyFile.get()));
      }
      return new PlanFromBackup(dir, store, new Replica(store));
    } catch (StoreException | IllegalArgumentException e) {
      store.close();
      delete(dir);
      throw new CliException("cannot read the backup " + backup + ": " + e.getMessage()
          + (masterKeyFile.isEmpty() ? " (a backup holding secrets needs --master-key-file)" : ""));
    }
  }

  /** The dry run's answer, as {@code POST /api/v1/changes?dry_run=true&mask=true} gives it. */
  JsonNode preview(Proposal proposal) {
    return ApiJson.dryRun(replica.preview(proposal, false, key -> true), new ApiJson.Sight(key -> true, true, false));
  }

  /** Every registered device's groups, by device id. */
  Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new TreeMap<>();
    replica.snapshot().devices().values().forEach(device -> groups.put(device.id().toString(),
        device.groups().stream().map(GroupName::value).toList()));
    return groups;
  }

  @Override
  public void close() {
    replica.close();
    store.close();
    delete(dir);
  }

  private static void delete(Path dir) {
    try {
      AnsibleExportCommand.delete(dir);
    } catch (IOException e) {
      // a temporary copy left behind is no failure of the plan
    }
  }
}
