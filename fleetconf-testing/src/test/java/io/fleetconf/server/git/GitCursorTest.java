package io.fleetconf.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.Revision;
import io.fleetconf.git.GitSource;
import io.fleetconf.server.Replica;
import io.fleetconf.store.Store;
import io.fleetconf.store.StoreUrl;
import io.fleetconf.testing.TestGit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a source stands is the store's cursor: a follower goes on from it, whatever its clone holds. */
class GitCursorTest {
  @TempDir Path dir;

  @Test
  void aStoreWithTheFirstVersionsSettingsGoesOnFromThemWithoutApplyingTheirCommitAgain() {
    try (TestGit git = TestGit.create(dir);
        Store store = StoreUrl.parse("sqlite:" + dir.resolve("store.db"), Optional.empty()).open(Clock.systemUTC());
        Replica replica = new Replica(store)) {
      String first = git.write(Map.of("global/tv.yaml", "volume: 30\n")).commit("Ana Lima <ana@example.org>", "fleet");
      git.push();
      // What the first version kept: the commit looked at and the commit applied, as two settings.
      store.putSetting("git.fleet.seen", first);
      store.putSetting("git.fleet.applied", first);
      GitFollower follower = new GitFollower(new GitSource("fleet", git.url(), "main", ""),
          io.fleetconf.git.GitCredentials.NONE, dir.resolve("clone.git"), io.fleetconf.git.RepositoryLayout.FLEETCONF,
          replica, Clock.systemUTC(), (self, desired) -> { }, io.fleetconf.git.Unsealer.NONE);

      follower.poll();
      assertThat(store.revision()).isEqualTo(Revision.ZERO); // not applied again
      assertThat(store.setting("git.fleet.cursor")).contains("{\"seen\":\"" + first + "\",\"applied\":\"" + first
          + "\",\"namespaces\":{\"global/tv\":\"global/tv.yaml\"},\"devices\":[]}");

      String second = git.write("global/tv.yaml", "volume: 35\n").commit("Rui Sá <rui@example.org>", "louder");
      git.push();
      follower.poll();
      assertThat(store.changesSince(Revision.ZERO, 10)).singleElement()
          .satisfies(changeSet -> assertThat(changeSet.commit()).contains(second));
      follower.close();
    }
  }
}
