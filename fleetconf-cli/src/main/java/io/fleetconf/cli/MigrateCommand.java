package io.fleetconf.cli;

import io.fleetconf.store.StoreCopy;
import io.fleetconf.store.StoreException;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Copy everything from one store to another, empty one: sqlite:<file> or postgresql://..., either way.",
        "Revisions, history, tokens, certificates, reports and sealed secrets arrive as they were, in one transaction.",
        "Stop the servers on --from first: what they write during the copy is not copied.",
        "The master key is not in a store: run the target's server with the same one."})
final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "URL", description = "The store to copy: sqlite:<file> or postgresql://...")
  String from;

  @Option(names = "--to", required = true, paramLabel = "URL", description = "The empty store to copy into.")
  String to;

  @Option(names = "--from-password-file", paramLabel = "FILE", description = "First line: the PostgreSQL password of --from.")
  Path fromPasswordFile;

  @Option(names = "--to-password-file", paramLabel = "FILE", description = "First line: the PostgreSQL password of --to.")
  Path toPasswordFile;

  @Override
  public Integer call() {
    StoreUrl source = parse("--from", from, fromPasswordFile);
    StoreUrl target = parse("--to", to, toPasswordFile);
    StoreCopy.Contents copied;
    try {
      copied = StoreCopy.copy(source, target);
    } catch (StoreException e) {
      throw new CliException(e.getMessage());
    }
    // display() never shows a password, whether it came in the URL or from a file.
    var json = BackupCommand.json(copied).put("from", source.display()).put("to", target.display());
    OutputFormat.print(spec, json, out -> {
      out.line("copied " + copied.describe() + " from " + source.display() + " to " + target.display());
      out.line(BackupCommand.masterKeyNote(copied, "the target"));
    });
    return 0;
  }

  private static StoreUrl parse(String option, String url, Path passwordFile) {
    try {
      StoreUrl parsed = StoreUrl.parse(url, Optional.ofNullable(passwordFile));
      if (passwordFile != null && parsed instanceof StoreUrl.Sqlite) {
        throw new CliException(option + "-password-file goes with a PostgreSQL " + option);
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new CliException(option + ": " + e.getMessage());
    }
  }
}
