package io.fleetconf.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
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
 * What a schema costs a write in {@link FleetFixture}'s 10,000-device fleet: the screen a commit
 * runs ({@code Schemas.check}) on the state the change set gives, made afresh for each call as a
 * commit makes it (so no merge is cached from the call before). {@code noSchema*} is the same
 * screen with no schema stored, the cost every write pays; {@code writeSchema} checks a new schema
 * against all 10,000 devices.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SchemaBenchmark {
  private static final String SCHEMA = """
      {"type": "object", "required": ["timezone", "volume"],
       "properties": {
         "timezone": {"type": "string", "minLength": 1},
         "default_channel": {"type": "integer", "minimum": 1, "maximum": 99},
         "volume": {"type": "integer", "minimum": 0, "maximum": 100},
         "rules": {"type": "array", "items": {"type": "object", "required": ["name", "start", "end", "channel"],
           "properties": {"days": {"type": "array", "items": {"enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
                          "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                          "channel": {"type": "integer"}}}}}}
      """;

  private final Schemas schemas = new Schemas();
  private Snapshot withoutSchema;
  private Snapshot withSchema;
  private ChangeSet schemaWrite;
  private FleetFixture fleet;

  @Setup
  public void setUp(FleetFixture fixture) throws IOException {
    fleet = fixture;
    withoutSchema = fixture.snapshot;
    Key key = Key.parse("plain/fleetconf/schemas/tv_scheduler");
    Entry schema = new Entry(key, new ObjectMapper().readTree(SCHEMA), Revision.of(2000), Revision.of(2000), 1);
    schemaWrite = new ChangeSet(Revision.of(2000), "jmh", Instant.EPOCH, "schema", "jmh",
        List.of(new Change.EntryChange(key, Optional.empty(), Optional.of(schema))));
    withSchema = withoutSchema.after(schemaWrite);
    schemas.check(schemaWrite, withoutSchema, withSchema, false); // the fixture's configs must pass, or the figures mean nothing
  }

  @Benchmark
  public Snapshot globalChange() {
    return screen(withSchema, fleet.globalChange);
  }

  @Benchmark
  public Snapshot groupChange() {
    return screen(withSchema, fleet.groupChange);
  }

  @Benchmark
  public Snapshot deviceChange() {
    return screen(withSchema, fleet.deviceChange);
  }

  @Benchmark
  public Snapshot writeSchema() {
    return screen(withoutSchema, schemaWrite);
  }

  @Benchmark
  public Snapshot noSchemaGlobalChange() {
    return screen(withoutSchema, fleet.globalChange);
  }

  private Snapshot screen(Snapshot base, ChangeSet changeSet) {
    Snapshot after = base.after(changeSet);
    schemas.check(changeSet, base, after, false);
    return after;
  }
}
