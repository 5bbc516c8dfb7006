package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.DeviceId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The step after {@code Affected.by} in the watch fan-out: {@code EffectiveConfigs.compute}, the
 * effective configs of the affected devices, merged once per group list (devices without entries
 * of their own share it) and once per device with entries of its own. In {@link FleetFixture} that
 * is 100 + 100 merges of five layers for the global change, 10 + 10 for the group change, 1 for
 * the device change.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FanOutBenchmark {

  @Benchmark
  public Map<DeviceId, JsonNode> configsAfterGlobalChange(FleetFixture fleet) {
    return EffectiveConfigs.compute(fleet.snapshot, fleet.globalAffected.devices());
  }

  @Benchmark
  public Map<DeviceId, JsonNode> configsAfterGroupChange(FleetFixture fleet) {
    return EffectiveConfigs.compute(fleet.snapshot, fleet.groupAffected.devices());
  }

  @Benchmark
  public Map<DeviceId, JsonNode> configsAfterDeviceChange(FleetFixture fleet) {
    return EffectiveConfigs.compute(fleet.snapshot, fleet.deviceAffected.devices());
  }
}
