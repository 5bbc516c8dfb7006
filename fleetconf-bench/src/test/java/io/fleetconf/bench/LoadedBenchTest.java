package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.bench.etcd.EtcdResult;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The background-load table: fleetconf's all-have against etcd's, multiplexed and one connection each. */
class LoadedBenchTest {
  private static final long MS = 1_000_000;

  @Test
  void rowsShowBothEtcdVariantsAndBothRatios() {
    Result.Builder fleetconf = new Result.Builder(10_000, Transport.LONGPOLL);
    fleetconf.round(100 * MS, 5 * MS, MS);
    fleetconf.round(300 * MS, 5 * MS, MS);
    List<EtcdResult> etcd = List.of(
        etcd(EtcdResult.Scenario.FAN_OUT, 10_000, 100 * MS, 150 * MS),
        etcd(EtcdResult.Scenario.DELIVERY, 10_000, MS, 2 * MS),
        etcd(EtcdResult.Scenario.FAN_OUT_ONE_CONNECTION_EACH, 10_000, 200 * MS, 600 * MS),
        etcd(EtcdResult.Scenario.FAN_OUT, 1_000, 7 * MS, 9 * MS));

    List<List<String>> rows = LoadedBench.rows(List.of(new LoadedBench.Loaded("busy", 10_000, fleetconf.build(), etcd)));

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsExactly("devices", "fleetconf p50", "fleetconf p99", "etcd multiplexed p50",
        "etcd multiplexed p99", "p99 fleetconf/etcd multiplexed", "etcd one connection each p50",
        "etcd one connection each p99", "p99 fleetconf/etcd one connection each");
    assertThat(rows.get(1)).containsExactly("10,000", "100.0", "300.0", "100.0", "150.0", "2.00", "200.0", "600.0",
        "0.50");
  }

  @Test
  void anEtcdVariantThatWasNotMeasuredShowsADash() {
    Result.Builder fleetconf = new Result.Builder(1_000, Transport.LONGPOLL);
    fleetconf.round(40 * MS, 5 * MS, MS);

    List<List<String>> rows = LoadedBench.rows(List.of(new LoadedBench.Loaded("busy", 1_000, fleetconf.build(),
        List.of(etcd(EtcdResult.Scenario.FAN_OUT, 1_000, 20 * MS, 20 * MS)))));

    assertThat(rows.get(1)).containsExactly("1,000", "40.0", "40.0", "20.0", "20.0", "2.00", "-", "-", "-");
  }

  private static EtcdResult etcd(EtcdResult.Scenario scenario, int watchers, long p50, long p99) {
    return new EtcdResult(scenario, watchers, new Distribution(2, p50, p99, p99), OptionalDouble.empty(), 2, List.of());
  }
}
