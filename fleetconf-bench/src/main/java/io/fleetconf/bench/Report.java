package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The results as a plain-text table for the terminal and as a Markdown section for a file. */
final class Report {
  private static final List<String> LATENCY = List.of("devices", "transport", "all-have p50", "all-have p99",
      "all-have max", "delivery p50", "delivery p99", "delivery max", "write p50", "pipe p50", "devices CPU",
      "server CPU");
  private static final List<String> MEMORY = List.of("devices", "heap/held watch", "heap idle", "heap held",
      "RSS idle", "RSS held", "held", "connections", "registration");
  private static final List<String> BETWEEN = List.of("devices", "re-held p50", "re-held max",
      "reconnects p50", "reconnects max", "failed or wrong", "stale answers");

  private final List<Result> results;
  private final BenchSettings settings;
  private final String machine;

  Report(List<Result> results, BenchSettings settings, String machine) {
    this.results = List.copyOf(results);
    this.settings = settings;
    this.machine = machine;
  }

  String text() {
    StringBuilder out = new StringBuilder();
    out.append("fleetconf watch fan-out: one global change per round, every device ").append(watching()).append('\n')
        .append(machine).append('\n').append(roundsLine()).append("\n\n")
        .append("Latency, ms (all-have: per round, until the last device had the change); devices CPU: s of the")
        .append(" devices JVM over all measured rounds, each from armed to done; server CPU: the same of the bench JVM")
        .append(" (the server and the writer)\n")
        .append(table(LATENCY, this::latencyRow, false)).append('\n')
        .append("Server JVM memory (heap after System.gc(); RSS from /proc/self/status)\n")
        .append(table(MEMORY, this::memoryRow, false)).append('\n')
        .append("Between rounds, per round: ms until every long-poll is held again; server connections replaced\n")
        .append(table(BETWEEN, this::betweenRow, false))
        .append(ExtrasReport.tables(results, false));
    health().forEach(line -> out.append('\n').append(line));
    return out.append('\n').toString();
  }

  String markdown(String title) {
    StringBuilder out = new StringBuilder();
    out.append("## ").append(title).append("\n\n").append(machine).append(". ").append(roundsLine()).append(".\n\n")
        .append("Every device ").append(watching()).append(". Latency in ms; *all-have* is, per round, the time")
        .append(" until the last device had the change; *devices CPU* is the devices JVM's CPU time in s over all")
        .append(" measured rounds, each from armed to done; *server CPU* the same of the bench JVM (the server and")
        .append(" the bench's writer).\n\n")
        .append(table(LATENCY, this::latencyRow, true)).append('\n')
        .append("Server JVM memory: heap in use after `System.gc()`, RSS from `/proc/self/status`.\n\n")
        .append(table(MEMORY, this::memoryRow, true)).append('\n')
        .append("Between rounds: time from the last delivery until the server holds every long-poll again (ms),")
        .append(" and server connections closed and replaced, per measured round.\n\n")
        .append(table(BETWEEN, this::betweenRow, true)).append('\n')
        .append(ExtrasReport.tables(results, true));
    health().forEach(line -> out.append("- ").append(line).append('\n'));
    return out.toString();
  }

  void append(Path file, String title) throws IOException {
    Table.append(file, markdown(title));
  }

  private String roundsLine() {
    return settings.rounds() + " measured rounds after " + settings.warmups() + " warm-up rounds, "
        + settings.settle().toMillis() + " ms settle once every long-poll is held again";
  }

  private String watching() {
    return settings.transport() == Transport.SSE ? "holding an event stream" : "long-polling";
  }

  private List<String> latencyRow(Result r) {
    return List.of(Integer.toString(r.devices()), r.transport().label(), ms(r.allHave().p50()), ms(r.allHave().p99()),
        ms(r.allHave().max()), ms(r.deliveries().p50()), ms(r.deliveries().p99()), ms(r.deliveries().max()),
        ms(r.writes().p50()), ms(r.armed().p50()),
        r.devicesCpu().map(cpu -> String.format("%.2f", cpu.toNanos() / 1e9)).orElse("-"),
        r.serverCpu().map(cpu -> String.format("%.2f", cpu.toNanos() / 1e9)).orElse("-"));
  }

  private List<String> memoryRow(Result r) {
    return List.of(Integer.toString(r.devices()), r.heapPerWatch().map(b -> String.format("%,d B", b)).orElse("-"),
        mib(r.idle().map(Memory::heapBytes)), mib(r.held().map(Memory::heapBytes)),
        mib(r.idle().map(Memory::rssBytes)), mib(r.held().map(Memory::rssBytes)),
        r.heldWatches() < 0 ? "-" : Integer.toString(r.heldWatches()),
        r.connections() < 0 ? "-" : Integer.toString(r.connections()),
        r.registration().map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).orElse("-"));
  }

  private List<String> betweenRow(Result r) {
    return List.of(Integer.toString(r.devices()), ms(r.reheld().p50()), ms(r.reheld().max()),
        count(r.replaced(), r.replaced().p50()), count(r.replaced(), r.replaced().max()),
        Long.toString(r.problemCount()),
        Long.toString(r.stale()));
  }

  private static String count(Distribution counts, long value) {
    return counts.count() == 0 ? "-" : Long.toString(value);
  }

  /** Failures, problems and other things a reader of the figures should know, one line each. */
  private List<String> health() {
    List<String> lines = new ArrayList<>();
    for (Result r : results) {
      String who = r.devices() + " devices: ";
      r.failure().ifPresent(why -> lines.add(who + "FAILED: " + why));
      if (r.allHave().count() < settings.rounds()) {
        lines.add(who + "only " + r.allHave().count() + " of " + settings.rounds() + " measured rounds completed");
      }
      lines.add(who + r.problemCount() + " failed or wrong answers, " + r.stale()
          + " stale answers (waits that ran out), " + r.unexpected()
          + " unexpected answers (devices woken by nothing they were to see)");
      for (Map.Entry<String, Long> problem : r.problems().entrySet()) {
        lines.add(who + problem.getValue() + " x " + problem.getKey());
      }
    }
    return lines;
  }

  private String table(List<String> header, Function<Result, List<String>> row, boolean markdown) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    results.forEach(r -> rows.add(row.apply(r)));
    return Table.render(rows, markdown);
  }

  static String ms(long nanos) {
    return nanos == 0 ? "-" : String.format("%.1f", nanos / 1e6);
  }

  private static String mib(Optional<Long> bytes) {
    return bytes.filter(b -> b >= 0).map(b -> String.format("%.1f MiB", b / 1048576.0)).orElse("-");
  }
}
