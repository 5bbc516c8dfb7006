package io.fleetconf.bench;

import io.fleetconf.bench.etcd.EtcdBench;
import io.fleetconf.bench.etcd.EtcdResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fan-out with a shared CPU: fleetconf's long-polls (SQLite) and then etcd's watchers, multiplexed
 * and one connection each, all beside the same {@link BackgroundLoad}, which runs from before the
 * first fan-out until after the last. Run alone as {@code ./fleetconf-bench/run loaded [--sizes 10000]
 * [--rounds 20] [--warmups 3]}; {@code ./fleetconf-bench/run report} runs it at 10,000 devices (or its
 * largest size if it has no 10,000) and puts its rows in the report.
 */
final class LoadedBench {
  static final String USAGE = "usage: fleetconf-bench loaded [--sizes 10000] [--rounds 20] [--warmups 3]";

  /** One size's figures with the background load: fleetconf's, and etcd's (both ways) if etcd ran. */
  record Loaded(String load, int devices, Result fleetconf, List<EtcdResult> etcd) {
    Loaded {
      etcd = List.copyOf(etcd);
    }

    /** etcd's all-have latency for {@code scenario}, if it was measured. */
    Optional<Distribution> etcdLatency(EtcdResult.Scenario scenario) {
      return etcd.stream().filter(r -> r.scenario() == scenario && r.parameter() == devices)
          .map(EtcdResult::latency).filter(l -> l.count() > 0).findFirst();
    }
  }

  private LoadedBench() {}

  static void main(String[] args) {
    Options options = Options.orExit("fleetconf-bench loaded", USAGE,
        () -> Options.parse(args, Set.of(), "--sizes", "--rounds", "--warmups"));
    List<Integer> sizes = options.numbers("--sizes", List.of(10_000));
    int rounds = options.number("--rounds", 20);
    int warmups = options.number("--warmups", 3);
    List<Loaded> all = new ArrayList<>();
    for (int size : sizes) {
      all.add(measure(size, rounds, warmups));
    }
    System.out.println("Fan-out with background load (" + all.get(0).load() + "), all-have ms; load average at"
        + " the end: " + Machine.loadAverage() + "\n");
    System.out.print(Table.render(rows(all), true));
    System.exit(all.stream().allMatch(l -> l.fleetconf().failure().isEmpty()) ? 0 : 1);
  }

  /** fleetconf's then etcd's fan-out to {@code devices}, beside one busy loop. */
  static Loaded measure(int devices, int rounds, int warmups) {
    BenchSettings fan = BenchSettings.parse(new String[] {"--rounds", Integer.toString(rounds),
        "--warmups", Integer.toString(warmups), "--transport", "longpoll", "--store", "sqlite"});
    try (BackgroundLoad busy = BackgroundLoad.start()) {
      System.err.println("fleetconf-bench loaded: " + busy.description() + ", beside " + devices + " devices");
      Result fleetconf = Scenario.run(devices, fan);
      List<EtcdResult> etcd = EtcdBench.fanOutOnly(new String[] {"--sizes", Integer.toString(devices),
          "--rounds", Integer.toString(rounds), "--warmups", Integer.toString(warmups)});
      return new Loaded(busy.description(), devices, fleetconf, etcd);
    }
  }

  /** The table: one row per size, fleetconf against etcd both ways, with both p99 ratios. */
  static List<List<String>> rows(List<Loaded> all) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("devices", "fleetconf p50", "fleetconf p99", "etcd multiplexed p50", "etcd multiplexed p99",
        "p99 fleetconf/etcd multiplexed", "etcd one connection each p50", "etcd one connection each p99",
        "p99 fleetconf/etcd one connection each"));
    for (Loaded l : all) {
      Distribution f = l.fleetconf().allHave();
      Optional<Distribution> m = l.etcdLatency(EtcdResult.Scenario.FAN_OUT);
      Optional<Distribution> e = l.etcdLatency(EtcdResult.Scenario.FAN_OUT_ONE_CONNECTION_EACH);
      rows.add(List.of(String.format("%,d", l.devices()), Report.ms(f.p50()), Report.ms(f.p99()),
          m.map(d -> Report.ms(d.p50())).orElse("-"), m.map(d -> Report.ms(d.p99())).orElse("-"),
          m.map(d -> PerformanceReport.ratio(f.p99(), d.p99())).orElse("-"),
          e.map(d -> Report.ms(d.p50())).orElse("-"), e.map(d -> Report.ms(d.p99())).orElse("-"),
          e.map(d -> PerformanceReport.ratio(f.p99(), d.p99())).orElse("-")));
    }
    return rows;
  }
}
