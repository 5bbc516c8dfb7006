package io.fleetconf.jmh;

import io.fleetconf.core.Device;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Layer;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.Snapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resolving one device's effective config from {@link ConfigFixture}'s four layers (200 entries):
 * building the layers from entries, merging prebuilt layers (what a read of a device's config does,
 * as the live state keeps each scope's layer once built), both, and {@code Snapshot.effective}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ResolveBenchmark {
  private List<List<Entry>> entries;
  private List<Layer> layers;
  private Snapshot snapshot;
  private Device device;

  @Setup
  public void setUp() {
    entries = ConfigFixture.layers();
    layers = buildLayers();
    device = ConfigFixture.device();
    snapshot = Snapshots.of(Revision.of(1000), entries.stream().flatMap(List::stream).toList(), List.of(device));
    EffectiveConfig viaSnapshot = snapshot.effective(device);
    EffectiveConfig viaLayers = EffectiveConfig.merge(layers);
    if (!viaSnapshot.tree().equals(viaLayers.tree()) || !viaSnapshot.provenance().equals(viaLayers.provenance())) {
      throw new IllegalStateException("the snapshot and the layers resolve differently");
    }
  }

  /** {@code Layer.of} for each of the four scopes, from its entries. */
  @Benchmark
  public List<Layer> buildLayers() {
    List<Layer> built = new ArrayList<>(entries.size());
    for (List<Entry> scoped : entries) {
      built.add(Layer.of(scoped));
    }
    return built;
  }

  /** {@code EffectiveConfig.merge} of the four prebuilt layers. */
  @Benchmark
  public EffectiveConfig mergeLayers() {
    return EffectiveConfig.merge(layers);
  }

  /** Both: from entries to the effective config. */
  @Benchmark
  public EffectiveConfig buildAndMerge() {
    return EffectiveConfig.merge(buildLayers());
  }

  /** What the server does per device: {@code Snapshot.effective}, which looks the layers up and merges. */
  @Benchmark
  public EffectiveConfig snapshotEffective() {
    return snapshot.effective(device);
  }
}
