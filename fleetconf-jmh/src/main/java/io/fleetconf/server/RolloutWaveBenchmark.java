package io.fleetconf.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The fan-out of a rollout wave's release in {@link FleetFixture}'s 10,000-device fleet: a rollout
 * holding a global change ({@code tv_scheduler/volume}) with a canary wave of 100 devices released,
 * then its 50 % wave (4,950 more) released. Measured: the next snapshot, the devices the release
 * concerns ({@code Affected.by}, the symmetric difference of the released sets) and their
 * effective configs, with the held value for the released ones; what the watch hub does before it
 * compares and wakes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RolloutWaveBenchmark {

  @State(Scope.Benchmark)
  public static class Wave {
    Snapshot before;
    ChangeSet release;

    @Setup
    public void setUp() {
      FleetFixture fleet = new FleetFixture();
      fleet.setUp();
      List<DeviceId> ids = fleet.snapshot.devices().keySet().stream().sorted().toList();
      List<DeviceId> canary = new ArrayList<>();
      List<DeviceId> half = new ArrayList<>();
      List<DeviceId> rest = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        (i < 100 ? canary : i < 5050 ? half : rest).add(ids.get(i));
      }
      Rollout one = new Rollout("r2000", Rollout.State.RUNNING, "bench", "louder", "jmh",
          List.of(new Rollout.Held(Key.parse("global/tv_scheduler/volume"), Optional.of(IntNode.valueOf(50)))),
          List.of(new Rollout.Wave("canary", canary, Optional.of(Revision.of(1003))),
              new Rollout.Wave("50%", half, Optional.empty()), new Rollout.Wave("100%", rest, Optional.empty())),
          1, Optional.of(Instant.EPOCH), Optional.of(Instant.EPOCH), 0, 0, 0, Optional.empty());
      Entry started = entry(one, 1004, 1004, 1);
      before = fleet.snapshot.after(change(1004, Optional.empty(), started));
      Entry released = entry(one.releaseNext(Instant.EPOCH, Revision.of(1004)), 1004, 1005, 2);
      release = change(1005, Optional.of(started), released);
      int concerned = Affected.by(release, before.after(release)).devices().size();
      if (concerned != half.size()) {
        throw new IllegalStateException("expected " + half.size() + " devices in the wave, got " + concerned);
      }
    }

    private static Entry entry(Rollout rollout, long created, long modified, long version) {
      return new Entry(rollout.key(), rollout.toJson(), Revision.of(created), Revision.of(modified), version);
    }

    private static ChangeSet change(long revision, Optional<Entry> before, Entry after) {
      return new ChangeSet(Revision.of(revision), "rollout", Instant.EPOCH, "wave", "rollout",
          List.of(new Change.EntryChange(after.key(), before, Optional.of(after))));
    }
  }

  @Benchmark
  public Map<DeviceId, JsonNode> releaseOfTheFiftyPercentWave(Wave wave) {
    Snapshot after = wave.before.after(wave.release);
    return EffectiveConfigs.compute(after, Affected.by(wave.release, after).devices());
  }
}
