package io.fleetconf.server;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Affected.by}: which of {@link FleetFixture}'s 10,000 devices a one-entry change set
 * affects. (In package {@code io.fleetconf.server} because {@link Affected} is package-private.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AffectedBenchmark {

  /** A change under global: every device (10,000). */
  @Benchmark
  public Affected globalChange(FleetFixture fleet) {
    return Affected.by(fleet.globalChange, fleet.snapshot);
  }

  /** A change under one site group: its 1,000 members, found by scanning all 10,000 devices. */
  @Benchmark
  public Affected groupChange(FleetFixture fleet) {
    return Affected.by(fleet.groupChange, fleet.snapshot);
  }

  /** A change under one device's scope: that device. */
  @Benchmark
  public Affected deviceChange(FleetFixture fleet) {
    return Affected.by(fleet.deviceChange, fleet.snapshot);
  }
}
