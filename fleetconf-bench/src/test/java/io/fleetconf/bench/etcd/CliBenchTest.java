package io.fleetconf.bench.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CliBenchTest {
  @Test
  void aCommandOverTlsIsComparedWithEtcdctlOverTlsAndAPlainOneWithPlainEtcdctl() {
    Map<String, List<CliBench.Run>> runs = new LinkedHashMap<>();
    runs.put("packaged fleetconf kv get", runs(250));
    runs.put("etcdctl get", runs(50));
    runs.put("packaged fleetconf kv get" + CliBench.TLS, runs(400));
    runs.put("etcdctl get" + CliBench.TLS, runs(40));
    runs.put("./fleetconf --version", runs(200));

    String table = CliBench.text(runs, List.of("machine"), 3, 0, true);

    assertThat(table).containsPattern("\\|\\s+packaged fleetconf kv get \\|\\s+250 \\|\\s+250 \\|.*\\|\\s+5\\.0 \\|")
        .containsPattern("\\|\\s+packaged fleetconf kv get, TLS \\|\\s+400 \\|.*\\|\\s+10\\.0 \\|")
        .containsPattern("\\|\\s+./fleetconf --version \\|.*\\|\\s+\\|\n");
  }

  /** Three runs of {@code millis} wall each, 10 ms of CPU and 20 MiB. */
  private static List<CliBench.Run> runs(long millis) {
    return LongStream.range(0, 3).mapToObj(i -> new CliBench.Run(millis * 1_000_000, 10_000_000, 20 * 1024)).toList();
  }
}
