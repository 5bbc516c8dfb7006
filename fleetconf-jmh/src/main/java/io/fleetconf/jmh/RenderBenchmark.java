package io.fleetconf.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Layer;
import io.fleetconf.format.Format;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Rendering {@link ConfigFixture}'s effective config (the whole tree) in each export format. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class RenderBenchmark {
  @Param({"JSON", "YAML", "ENV", "PROPERTIES"})
  public Format format;

  private ObjectNode tree;

  @Setup
  public void setUp() {
    tree = EffectiveConfig.merge(ConfigFixture.layers().stream().map(Layer::of).toList()).tree();
    format.render(tree); // fails here, not in the measurement, if the tree cannot be rendered
  }

  @Benchmark
  public String render() {
    return format.render(tree);
  }
}
