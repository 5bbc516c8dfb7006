package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that loses its database suspends its watches: held ones and new ones are answered at
 * once (the API turns that into a 503), not held for their whole wait; DatabaseRestartTest once
 * saw no 503 at all when a long-poll came in just as the database went away.
 */
class WatchHubSuspendTest {
  private static final View GLOBAL = new View.Prefix(Key.parsePrefix("global"));
  private static final Duration LONG = Duration.ofMinutes(10);

  @TempDir Path dir;

  @Test
  void aWatchStartedWhileSuspendedIsAnsweredAtOnceNotHeldForItsWait() throws Exception {
    try (Store store = new StoreUrl.Sqlite(dir.resolve("fleetconf.db")).open(Clock.systemUTC());
        Replica replica = new Replica(store)) {
      WatchHub hub = replica.watches();
      Revision now = replica.snapshot().revision();
      WatchHub.Watching held = hub.watch(GLOBAL, now, LONG);

      hub.suspend();
      assertThat(held.answer().get(30, TimeUnit.SECONDS)).isEqualTo(WatchHub.WaitEnd.RESYNC);
      WatchHub.Watching startedWhileSuspended = hub.watch(GLOBAL, now, LONG);
      assertThat(startedWhileSuspended.answer().get(30, TimeUnit.SECONDS)).isEqualTo(WatchHub.WaitEnd.RESYNC);

      hub.resume();
      WatchHub.Watching afterResume = hub.watch(GLOBAL, now, LONG);
      assertThat(afterResume.answer()).as("held again once resumed").isNotDone();
      afterResume.letGo().run();
      assertThat(afterResume.answer().get(30, TimeUnit.SECONDS)).isEqualTo(WatchHub.WaitEnd.TIMED_OUT);
    }
  }
}
