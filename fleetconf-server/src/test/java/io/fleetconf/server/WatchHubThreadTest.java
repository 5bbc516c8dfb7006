package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fan-out's pass over the devices is CPU without a blocking call: on a virtual thread it held one
 * of the carriers (one per core) every request handler needs, and a write sent during a
 * 10,000-device fan-out waited 14-60 ms for its handler to start (docs/performance.md).
 */
class WatchHubThreadTest {
  @TempDir Path dir;

  @Test
  void theFanOutRunsOnAPlatformThreadNotOnACarrierOfTheRequestHandlers() throws Exception {
    try (Store store = new StoreUrl.Sqlite(dir.resolve("fleetconf.db")).open(Clock.systemUTC());
        Replica replica = new Replica(store)) {
      CompletableFuture<Thread> fanOut = new CompletableFuture<>();
      replica.watches().onFanOut(nanos -> fanOut.complete(Thread.currentThread()));

      replica.commit(new Proposal("test", "", "api", List.of(new Mutation.Put(Key.parse("global/common/log_level"),
          TextNode.valueOf("debug"), Optional.empty()))));

      Thread thread = fanOut.get(30, TimeUnit.SECONDS);
      assertThat(thread.isVirtual()).as("the thread of the fan-out, %s", thread).isFalse();
      assertThat(thread.getName()).isEqualTo("watch-hub");
    }
  }
}
