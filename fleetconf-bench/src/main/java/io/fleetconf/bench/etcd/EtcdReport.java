package io.fleetconf.bench.etcd;

import io.fleetconf.bench.Distribution;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The etcd results as plain-text tables for the terminal and as a Markdown section for a file. */
public final class EtcdReport {
  private final List<String> machine;
  private final EtcdSettings settings;
  private final List<EtcdResult> fanOut;
  private final List<FanOut.Context> contexts;
  private final List<EtcdBench.LoadCase> writes;
  private final List<EtcdBench.LoadCase> reads;

  EtcdReport(List<String> machine, EtcdSettings settings, List<EtcdResult> fanOut, List<FanOut.Context> contexts,
      List<EtcdBench.LoadCase> writes, List<EtcdBench.LoadCase> reads) {
    this.machine = List.copyOf(machine);
    this.settings = settings;
    this.fanOut = List.copyOf(fanOut);
    this.contexts = List.copyOf(contexts);
    this.writes = List.copyOf(writes);
    this.reads = List.copyOf(reads);
  }

  /** Every result, one per (scenario, parameter): what a combined fleetconf-and-etcd table is built from. */
  public List<EtcdResult> results() {
    return Stream.of(fanOut.stream(), writes.stream().map(EtcdBench.LoadCase::result),
        reads.stream().map(EtcdBench.LoadCase::result)).flatMap(s -> s).toList();
  }

  /** etcd's version, its settings and the machine, one line each. */
  public List<String> machine() {
    return machine;
  }

  /** etcd's resident memory per watcher with {@code watchers} held: (held - idle) / watchers, if measured. */
  public java.util.OptionalLong rssPerWatcher(int watchers) {
    return contexts.stream().filter(c -> c.watchers() == watchers && watchers > 0)
        .mapToLong(c -> (c.rssHeld() - c.rssIdle()) / watchers).findFirst();
  }

  String text() {
    StringBuilder out = new StringBuilder("etcd, measured as fleetconf-bench measures fleetconf\n");
    machine.forEach(line -> out.append(line).append('\n'));
    sections(false).forEach(section -> out.append('\n').append(section[0]).append('\n').append(section[1]));
    health().forEach(line -> out.append('\n').append(line));
    return out.append('\n').toString();
  }

  String markdown(String title) {
    StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
    machine.forEach(line -> out.append("- ").append(line).append('\n'));
    sections(true).forEach(section -> out.append('\n').append(section[0]).append("\n\n").append(section[1]));
    out.append('\n');
    health().forEach(line -> out.append("- ").append(line).append('\n'));
    return out.toString();
  }

  void append(Path file, String title) throws IOException {
    io.fleetconf.bench.Table.append(file, markdown(title));
  }

  /** Each table with the sentence that says what it holds. */
  private List<String[]> sections(boolean markdown) {
    List<String[]> sections = new ArrayList<>();
    List<List<String>> latency = new ArrayList<>();
    for (FanOut.Context c : held()) {
      Distribution all = find(EtcdResult.Scenario.FAN_OUT, c.watchers());
      Distribution each = find(EtcdResult.Scenario.DELIVERY, c.watchers());
      latency.add(List.of(count(c.watchers()), count(c.clients()), ms1(all.p50()), ms1(all.p99()), ms1(all.max()),
          ms1(each.p50()), ms1(each.p99()), ms1(each.max()),
          ms1(find(EtcdResult.Scenario.PUT_UNDER_LOAD, c.watchers()).p50())));
    }
    sections.add(new String[] {"Fan-out, ms: " + settings.rounds() + " measured rounds after " + settings.warmups()
        + " warm-up rounds, " + settings.settle().toMillis() + " ms apart; one put per round; all-have is, per round,"
        + " the time from the put's start until the last watcher had the event; delivery pools every watcher's own"
        + " time over all rounds.",
        table(List.of("watchers", "clients", "all-have p50", "all-have p99", "all-have max", "delivery p50",
            "delivery p99", "delivery max", "put p50"), latency, markdown)});
    List<List<String>> oneEach = new ArrayList<>();
    for (EtcdResult r : fanOut) {
      if (r.scenario() == EtcdResult.Scenario.FAN_OUT_ONE_CONNECTION_EACH) {
        Distribution multiplexed = find(EtcdResult.Scenario.FAN_OUT, r.parameter());
        oneEach.add(List.of(count(r.parameter()), ms1(r.latency().p50()), ms1(r.latency().p99()),
            ms1(r.latency().max()), ms1(multiplexed.p50()), ms1(multiplexed.p99()),
            r.problems().isEmpty() ? "-" : String.join("; ", r.problems())));
      }
    }
    if (!oneEach.isEmpty()) {
      sections.add(new String[] {"Fan-out with one connection per watcher, ms: every watcher on a jetcd client of its"
          + " own (its own TCP connection), the clients sharing one Vert.x and one executor; the same rounds; all-have"
          + " as above, beside the multiplexed all-have.",
          table(List.of("watchers", "all-have p50", "all-have p99", "all-have max", "multiplexed p50",
              "multiplexed p99", "problems"), oneEach, markdown)});
    }
    List<List<String>> held = new ArrayList<>();
    for (FanOut.Context c : held()) {
      held.add(List.of(count(c.watchers()), count(c.clients()), String.format("%.1f s", c.opened().toNanos() / 1e9),
          mib(c.rssIdle()), mib(c.rssHeld()),
          c.rssIdle() < 0 || c.rssHeld() < 0 ? "-" : String.format("%,d B", (c.rssHeld() - c.rssIdle()) / c.watchers())));
    }
    sections.add(new String[] {"Holding the watches: time until etcd had created every watch, and etcd's RSS"
        + " (VmRSS) before the watches and 1 s after the last was created.",
        table(List.of("watchers", "clients", "watches created in", "etcd RSS idle", "etcd RSS held", "RSS per watch"),
            held, markdown)});
    List<List<String>> puts = new ArrayList<>();
    for (EtcdResult r : fanOut) {
      if (r.scenario() == EtcdResult.Scenario.PUT_UNDER_LOAD) {
        EtcdServer.Fsyncs fsyncs = contexts.stream().filter(c -> c.watchers() == r.parameter()).findFirst()
            .map(FanOut.Context::fsyncs).orElse(new EtcdServer.Fsyncs(0, 0));
        puts.add(List.of(count(r.parameter()), ms2(r.latency().p50()), ms2(r.latency().p99()), ms2(r.latency().max()),
            count(r.operations()), fsyncs.count() == 0 ? "-" : String.format("%.2f", fsyncs.meanMillis())));
      }
    }
    sections.add(new String[] {"The put under watch load, ms: each fan-out round's put, from its start to its"
        + " acknowledgement, with that many watchers of the key; and the mean of etcd's WAL fsyncs over the rounds"
        + " (its own etcd_disk_wal_fsync_duration_seconds).",
        table(List.of("watchers", "put p50", "put p99", "put max", "puts", "fsync mean"), puts, markdown)});
    sections.add(new String[] {"Durable writes: W writers, each with its own client, each putting a new key"
        + " /fleet/bench/w<i>_<n> back to back; " + window() + "; the bench deletes /fleet/bench/ after each case."
        + " WAL fsyncs and their mean are etcd's own, over the case with its warm-up.",
        table(List.of("writers", "puts/s", "ack p50 ms", "ack p99 ms", "ack max ms", "acked", "min / max per second",
            "WAL fsyncs", "fsync mean ms", "load 1m"), loadRows(writes, true), markdown)});
    if (!reads.isEmpty()) {
      sections.add(new String[] {"Reads: C readers, each with its own client, each getting one key back to back"
          + " (linearizable, jetcd's default); " + window() + ".",
          table(List.of("readers", "gets/s", "p50 ms", "p99 ms", "max ms", "gets", "min / max per second", "load 1m"),
              loadRows(reads, false), markdown)});
    }
    return sections;
  }

  private String window() {
    return settings.warmup().toSeconds() + " s warm-up, then " + settings.measure().toSeconds() + " s measured; a call"
        + " counts if it is acknowledged inside the measured window";
  }

  private static List<List<String>> loadRows(List<EtcdBench.LoadCase> cases, boolean fsyncs) {
    List<List<String>> rows = new ArrayList<>();
    for (EtcdBench.LoadCase c : cases) {
      EtcdResult r = c.result();
      List<String> row = new ArrayList<>(List.of(count(r.parameter()),
          r.perSecond().isPresent() ? String.format("%,.1f", r.perSecond().getAsDouble()) : "-",
          ms2(r.latency().p50()), ms2(r.latency().p99()), ms2(r.latency().max()), count(r.operations()),
          String.format("%,d / %,d", c.minPerSecond(), c.maxPerSecond())));
      if (fsyncs) {
        row.addAll(List.of(count(c.fsyncs().count()), String.format("%.2f", c.fsyncs().meanMillis())));
      }
      row.add(c.load());
      rows.add(row);
    }
    return rows;
  }

  /** The fan-out sizes that held watches (the 0-watcher run measures only the put). */
  private List<FanOut.Context> held() {
    return contexts.stream().filter(c -> c.watchers() > 0).toList();
  }

  /** Problems and failures, once per scenario and parameter; a clean run says what was checked. */
  private List<String> health() {
    Set<String> lines = new LinkedHashSet<>();
    for (EtcdResult r : results()) {
      boolean fan = r.scenario() != EtcdResult.Scenario.WRITES && r.scenario() != EtcdResult.Scenario.READS;
      String who = fan ? "fan-out, " + r.parameter() + " watchers: "
          : r.scenario().name().toLowerCase() + ", " + r.parameter() + " " + r.scenario().parameter() + ": ";
      r.problems().forEach(problem -> lines.add(who + problem));
    }
    if (lines.isEmpty()) {
      lines.add("no problems: in every round every watcher got the put's event, once, with the round's value; every"
          + " put and get was acknowledged; the revision moved by exactly the acknowledged puts, warm-up included");
    }
    return List.copyOf(lines);
  }

  private Distribution find(EtcdResult.Scenario scenario, int parameter) {
    return fanOut.stream().filter(r -> r.scenario() == scenario && r.parameter() == parameter).findFirst()
        .map(EtcdResult::latency).orElse(Distribution.EMPTY);
  }

  private static String table(List<String> header, List<List<String>> rows, boolean markdown) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return io.fleetconf.bench.Table.render(all, markdown);
  }

  private static String count(long n) {
    return String.format("%,d", n);
  }

  private static String ms1(long nanos) {
    return nanos == 0 ? "-" : String.format("%.1f", nanos / 1e6);
  }

  private static String ms2(long nanos) {
    return nanos == 0 ? "-" : String.format("%.2f", nanos / 1e6);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "-" : String.format("%.1f MiB", bytes / 1048576.0);
  }
}
