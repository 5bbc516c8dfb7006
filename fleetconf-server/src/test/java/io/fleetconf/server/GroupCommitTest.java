package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers at once: the fleet commits them in groups, yet each proposal is its own change set
 * with its own revision, refused ones leave no trace, and the live state follows in order.
 */
class GroupCommitTest {
  @TempDir Path dir;

  @Test
  void concurrentWritersGetGaplessRevisionsAndOnlyTheirOwnRefusals() throws Exception {
    try (Store store = new StoreUrl.Sqlite(dir.resolve("fleetconf.db")).open(Clock.systemUTC()); Replica replica = new Replica(store)) {
      var committed = new ConcurrentLinkedQueue<ChangeSet>();
      var refused = new ConcurrentLinkedQueue<String>();
      List<Future<?>> writers = new ArrayList<>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 16; w++) {
          int writer = w;
          writers.add(pool.submit(() -> {
            for (int n = 0; n < 40; n++) {
              Key key = Key.parse("global/w" + writer + "/n" + n);
              // Every fifth write expects a revision the key never had: refused, alone.
              Optional<Revision> expected = n % 5 == 4 ? Optional.of(Revision.of(1_000_000)) : Optional.empty();
              try {
                committed.add(replica.commit(new Proposal("w" + writer, "", "api",
                    List.of(new Mutation.Put(key, IntNode.valueOf(n), expected)))));
              } catch (ConflictException e) {
                refused.add(key.toString());
              }
            }
            return null;
          }));
        }
        for (Future<?> writer : writers) {
          writer.get();
        }
      }
      assertThat(committed).hasSize(16 * 32);
      assertThat(refused).hasSize(16 * 8);
      assertThat(committed.stream().map(changeSet -> changeSet.revision().value()).sorted().toList())
          .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 16 * 32).boxed().toList());
      assertThat(store.revision()).isEqualTo(Revision.of(16 * 32));
      assertThat(replica.snapshot().revision()).isEqualTo(Revision.of(16 * 32));
      assertThat(replica.snapshot().allEntries()).hasSize(16 * 32);
      refused.forEach(key -> assertThat(replica.snapshot().entry(Key.parse(key))).as(key).isEmpty());
    }
  }
}
