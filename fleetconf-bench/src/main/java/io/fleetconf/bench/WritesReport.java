package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The durable-writes results as a plain-text table for the terminal and as a Markdown section for a file. */
final class WritesReport {
  private static final List<String> HEADER = List.of("store", "writers", "change sets/s", "ack p50 ms", "ack p99 ms",
      "ack max ms", "acked", "non-2xx", "failed", "min / max per second", "load 1m");

  private final List<WritesBench.StoreRun> runs;
  private final WritesSettings settings;
  private final List<String> machine;

  WritesReport(List<WritesBench.StoreRun> runs, WritesSettings settings, List<String> machine) {
    this.runs = List.copyOf(runs);
    this.settings = settings;
    this.machine = List.copyOf(machine);
  }

  String text() {
    StringBuilder out = new StringBuilder("fleetconf durable writes: W writers, each PUTs change sets back to back\n");
    machine.forEach(line -> out.append(line).append('\n'));
    out.append(windowLine()).append('\n');
    runs.forEach(run -> run.durability().forEach(line -> out.append(line).append('\n')));
    runs.forEach(run -> run.disks().forEach(line -> out.append(run.store().label()).append(' ').append(line).append('\n')));
    out.append('\n').append(table(false));
    health().forEach(line -> out.append('\n').append(line));
    return out.append('\n').toString();
  }

  String markdown(String title) {
    StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
    machine.forEach(line -> out.append("- ").append(line).append('\n'));
    out.append("- ").append(windowLine()).append('\n');
    runs.forEach(run -> run.durability().forEach(line -> out.append("- ").append(line).append('\n')));
    runs.forEach(run -> run.disks().forEach(line -> out.append("- ").append(run.store().label()).append(' ')
        .append(line).append('\n')));
    out.append('\n').append(table(true)).append('\n');
    health().forEach(line -> out.append("- ").append(line).append('\n'));
    return out.toString();
  }

  void append(Path file, String title) throws IOException {
    Table.append(file, markdown(title));
  }

  private String windowLine() {
    return "each case: " + settings.warmup().toSeconds() + " s warm-up, then " + settings.measure().toSeconds()
        + " s measured; a change set counts if its 2xx answer arrives in the measured window; ack latency is from"
        + " sending the PUT to reading its whole answer; the bench's writers run in the server's JVM, each on "
        + (settings.client() == WritesSettings.Client.RAW ? "a plain keep-alive socket (client raw)"
            : "a JDK HttpClient of its own (client jdk)") + "; "
        + (settings.keysPerWriter() == 0 ? "every change set puts a new key global/bench/w<i>_<n>"
            : "writer i cycles over " + settings.keysPerWriter() + " keys global/bench/w<i>_<1.." + settings.keysPerWriter()
            + ">") + "; the bench deletes global/bench (one change set) after each case"
        + (settings.stores().contains(WritesSettings.Store.POSTGRESQL) ? "; on PostgreSQL it runs ANALYZE in its"
            + " schema as the warm-up ends, as autovacuum does in a growing table's first minute (without statistics"
            + " the plans the server's connections cached while the tables were empty are sequential scans)" : "");
  }

  /** Failures, rejected or failed requests, and disagreements, one line each; a clean run says so. */
  private List<String> health() {
    List<String> lines = new ArrayList<>();
    for (WritesBench.StoreRun run : runs) {
      String who = run.store().label() + ": ";
      run.failure().ifPresent(why -> lines.add(who + "FAILED: " + why));
      for (WritesBench.Case c : run.cases()) {
        ClosedLoop.LoadRun o = c.outcome();
        String which = who + o.callers() + " writers: ";
        if (!c.consistent()) {
          lines.add(which + "the revision moved by " + c.revisions() + " but " + o.completedInAll()
              + " change sets were acknowledged");
        }
        c.problems().forEach(problem -> lines.add(which + problem));
      }
      if (WritesBench.clean(run)) {
        lines.add(who + "every request was acknowledged (0 non-2xx, 0 failed), and the server's revision moved by"
            + " exactly the number of acknowledged change sets, warm-up included");
      }
    }
    return lines;
  }

  private String table(boolean markdown) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (WritesBench.StoreRun run : runs) {
      for (WritesBench.Case c : run.cases()) {
        ClosedLoop.LoadRun o = c.outcome();
        long[] seconds = o.perSecond();
        rows.add(List.of(run.store().label(), Integer.toString(o.callers()), String.format("%,.1f", o.rate()),
            ms(o.latency().p50()), ms(o.latency().p99()), ms(o.latency().max()), String.format("%,d", o.completed()),
            Long.toString(o.refused()), Long.toString(o.failed()),
            String.format("%,d / %,d", Arrays.stream(seconds).min().orElse(0), Arrays.stream(seconds).max().orElse(0)),
            c.load()));
      }
    }
    return Table.render(rows, markdown);
  }

  private static String ms(long nanos) {
    return String.format("%.2f", nanos / 1e6);
  }
}
